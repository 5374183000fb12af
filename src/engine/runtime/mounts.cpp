#include "engine/runtime/mounts.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "engine/runtime/mount_api.hpp"
#include "engine/runtime/mount_options.hpp"
#include "engine/runtime/paths_in_root.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

// The mount point: a directory, or an empty file when a single file is bound.
UniqueFd make_destination(int root_fd, const std::string& destination, bool is_dir, const std::string& what) {
  try {
    return is_dir ? make_dir_in_root(root_fd, destination) : make_file_in_root(root_fd, destination);
  } catch (const Error& e) {
    throw e.wrap(what);
  }
}

// Propagation is set once attached: it describes the mount's relation to its peers
// at its destination, which a detached tree does not have yet.
void set_propagation(const UniqueFd& mnt, const MountOptions& opts, const std::string& what) {
  set_mount_attributes(mnt.get(), opts.propagation_recursive, 0, 0, opts.propagation, what);
}

void bind(int root_fd, const Mount& mount, const MountOptions& opts) {
  const std::string what = describe_mount(mount.source, mount.destination);
  UniqueFd tree = clone_tree(AT_FDCWD, mount.source, opts.recursive, what);
  struct stat st {};
  if (fstat(tree.get(), &st) != 0) throw syscall_error(what);
  UniqueFd dest = make_destination(root_fd, mount.destination, S_ISDIR(st.st_mode), what);
  set_mount_attributes(tree.get(), opts.recursive, opts.attr_set, opts.attr_clr, 0, what);
  attach_mount(tree, dest.get(), what);
  set_propagation(tree, opts, what);
}

void mount_filesystem(int root_fd, const Mount& mount, const MountOptions& opts) {
  const std::string what = describe_mount(mount.type, mount.destination, opts.data);
  UniqueFd fs = new_filesystem(mount.type, mount.source, opts.data, opts.attr_set, what);
  UniqueFd dest = make_destination(root_fd, mount.destination, true, what);
  attach_mount(fs, dest.get(), what);
  set_propagation(fs, opts, what);
}

}  // namespace

void mount_in_root(int root_fd, const Mount& mount) {
  MountOptions opts = parse_mount_options(mount.type, mount.options);
  if (opts.bind) {
    bind(root_fd, mount, opts);
  } else {
    mount_filesystem(root_fd, mount, opts);
  }
}

}  // namespace stack::engine::runtime
