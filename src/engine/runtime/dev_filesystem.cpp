#include "engine/runtime/dev_filesystem.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>

#include "engine/runtime/devices.hpp"
#include "engine/runtime/mount_api.hpp"
#include "engine/runtime/mount_options.hpp"
#include "engine/runtime/paths_in_root.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

struct StandardNode {
  const char* name;
  unsigned major;
  unsigned minor;
};

// The nodes an OCI runtime must provide (runtime-spec "Default Devices").
constexpr StandardNode kStandardNodes[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

struct Link {
  const char* name;
  const char* target;
};

constexpr Link kLinks[] = {
    {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

void make_link(int dev_fd, const char* name, const char* target) {
  if (symlinkat(target, dev_fd, name) != 0)
    throw syscall_error(std::string("symlink /dev/") + name + " -> " + target);
}

// A filesystem of `type` on the directory `name` under the /dev tmpfs.
void mount_under_dev(int dev_fd, const char* name, const char* type, const std::string& data, unsigned attrs) {
  const std::string path = std::string("/dev/") + name;
  const std::string what = describe_mount(type, path, data);
  if (mkdirat(dev_fd, name, 0755) != 0) throw syscall_error("mkdir " + path);
  UniqueFd dest(openat(dev_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dest) throw syscall_error("open " + path);
  UniqueFd fs = new_filesystem(type, type, data, attrs, what);
  attach_mount(fs, dest.get(), what);
}

}  // namespace

void mount_dev(int root_fd, int64_t shm_size) {
  const std::string data = "mode=755,size=65536k";
  const std::string what = describe_mount("tmpfs", "/dev", data);
  UniqueFd dest = make_dir_in_root(root_fd, "/dev");
  UniqueFd dev = new_filesystem("tmpfs", "tmpfs", data, MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME, what);
  attach_mount(dev, dest.get(), what);
  // `dev` is the new tmpfs's root: everything below is made relative to it.
  for (const StandardNode& node : kStandardNodes)
    make_device_node(dev.get(), node.name, S_IFCHR, makedev(node.major, node.minor), 0666, 0, 0,
                     std::string("/dev/") + node.name);
  for (const Link& link : kLinks) make_link(dev.get(), link.name, link.target);
  // Like runc: no dangling /dev/core on kernels built without /proc/kcore.
  if (access("/proc/kcore", F_OK) == 0) make_link(dev.get(), "core", "/proc/kcore");
  // gid 5 is "tty" in every common image; ptmxmode lets any user open a terminal.
  mount_under_dev(dev.get(), "pts", "devpts", "newinstance,ptmxmode=0666,mode=0620,gid=5",
                  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
  mount_under_dev(dev.get(), "shm", "tmpfs", "mode=1777,size=" + std::to_string(shm_size),
                  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  mount_under_dev(dev.get(), "mqueue", "mqueue", "", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

}  // namespace stack::engine::runtime
