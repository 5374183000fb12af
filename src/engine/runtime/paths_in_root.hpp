// Paths inside a root filesystem that is not (yet) our root. Every lookup is resolved
// as if `root_fd` were "/" (openat2 with RESOLVE_IN_ROOT): an image's symlink such as
// /data -> ../../../etc or /var/run -> /run stays inside the rootfs, so no mount point
// or device node made from a spec can land on the host. `path` is the path in the
// container ("/data"); it is also what errors name.
#pragma once

#include <string>

#include "base/unique_fd.hpp"

namespace stack::engine::runtime {

// An O_PATH fd of `path`, or an empty UniqueFd when it does not exist. Throws otherwise.
UniqueFd open_in_root(int root_fd, const std::string& path);

// mkdir -p of `path` (mode 0755); returns an O_PATH fd of it.
UniqueFd make_dir_in_root(int root_fd, const std::string& path);

// An empty regular file at `path` (parents made) unless something is there; returns
// an O_PATH fd of what is there. Mount points for binds of single files.
UniqueFd make_file_in_root(int root_fd, const std::string& path);

// The directory that holds `path` (made when missing) and the last name of `path`:
// where mknodat and symlinkat make a node.
struct ParentDir {
  UniqueFd dir;
  std::string name;
};
ParentDir make_parent_in_root(int root_fd, const std::string& path);

}  // namespace stack::engine::runtime
