#include "engine/runtime/protected_paths.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "engine/runtime/mount_api.hpp"
#include "engine/runtime/mount_options.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

// An O_PATH fd of `path`, or an empty one when it does not exist.
UniqueFd open_path(const std::string& path, const std::string& what) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd && errno != ENOENT) throw syscall_error(what);
  return fd;
}

}  // namespace

void mask_path(const std::string& path) {
  UniqueFd dest = open_path(path, "mask " + path);
  if (!dest) return;
  struct stat st {};
  if (fstat(dest.get(), &st) != 0) throw syscall_error("mask " + path);
  if (S_ISDIR(st.st_mode)) {
    const std::string what = describe_mount("tmpfs", path);
    UniqueFd empty = new_filesystem("tmpfs", "tmpfs", "", MOUNT_ATTR_RDONLY, what);
    attach_mount(empty, dest.get(), what);
  } else {
    const std::string what = describe_mount("/dev/null", path);
    UniqueFd null = clone_tree(AT_FDCWD, "/dev/null", false, what);
    attach_mount(null, dest.get(), what);
  }
}

void make_path_readonly(const std::string& path) {
  const std::string what = describe_mount(path, path);
  UniqueFd dest = open_path(path, what);
  if (!dest) return;
  UniqueFd tree = clone_tree(dest.get(), "", true, what);
  set_mount_attributes(tree.get(), true, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0,
                       0, what);
  attach_mount(tree, dest.get(), what);
}

}  // namespace stack::engine::runtime
