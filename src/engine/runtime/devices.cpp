#include "engine/runtime/devices.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "engine/runtime/paths_in_root.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

namespace fs = std::filesystem;

std::string describe_node(const std::string& path, mode_t type, dev_t dev) {
  return "mknod " + path + " (" + (type == S_IFBLK ? "b " : "c ") + std::to_string(major(dev)) + ":" +
         std::to_string(minor(dev)) + ")";
}

// The host's devices: character and block nodes under /dev.
void copy_host_devices(int root_fd) {
  UniqueFd dev = make_dir_in_root(root_fd, "/dev");
  std::error_code ec;
  fs::recursive_directory_iterator it("/dev", fs::directory_options::skip_permission_denied, ec), end;
  if (ec) throw syscall_error("list host devices in /dev", ec.value());
  for (; it != end; it.increment(ec)) {
    if (ec) throw syscall_error("list host devices in /dev", ec.value());
    const fs::path& host = it->path();
    std::string rel = host.lexically_relative("/dev").string();
    // As runc: the container has its own pts, shm and mqueue, and never the host's console.
    if (rel == "pts" || rel == "shm" || rel == "mqueue" || rel == "console") {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    if (lstat(host.c_str(), &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) continue;
    UniqueFd existing = open_in_root(dev.get(), rel);
    if (existing) continue;  // the standard nodes made with /dev
    ParentDir parent = make_parent_in_root(dev.get(), rel);
    make_device_node(parent.dir.get(), parent.name, st.st_mode & S_IFMT, st.st_rdev, st.st_mode & 07777, st.st_uid,
                     st.st_gid, host.string());
  }
}

}  // namespace

void make_device_node(int dir_fd, const std::string& name, mode_t type, dev_t dev, mode_t mode, uid_t uid, gid_t gid,
                      const std::string& path) {
  const std::string what = describe_node(path, type, dev);
  if (unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) throw syscall_error(what);
  if (mknodat(dir_fd, name.c_str(), type | (mode & 07777), dev) != 0) throw syscall_error(what);
  // mknod applied the umask; the spec's mode is meant exactly.
  if (fchmodat(dir_fd, name.c_str(), mode & 07777, 0) != 0) throw syscall_error(what + ": chmod");
  if (fchownat(dir_fd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) throw syscall_error(what + ": chown");
}

void make_devices(int root_fd, const Spec& spec) {
  if (spec.privileged) copy_host_devices(root_fd);
  for (const Device& device : spec.devices) {
    if (device.type != 'c' && device.type != 'b')
      throw Error("device " + device.path + ": type must be 'c' or 'b', not '" + std::string(1, device.type) + "'");
    ParentDir parent = make_parent_in_root(root_fd, device.path);
    make_device_node(parent.dir.get(), parent.name, device.type == 'b' ? S_IFBLK : S_IFCHR,
                     makedev(device.major, device.minor), device.file_mode, device.uid, device.gid, device.path);
  }
}

}  // namespace stack::engine::runtime
