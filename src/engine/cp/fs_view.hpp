// A filesystem seen from a root, as `cp` reads and writes it: the host ("/"), a running
// container (its init's /proc/<pid>/root, where the kernel shows its mounts), or a
// stopped container (a detached overlay of its layers and upper directory, plus its
// bind and volume mounts, which nothing mounts while it is stopped, so this view sends
// paths under a mount's destination to the mount's source directory itself).
//
// Paths are resolved component by component as the container would resolve them:
// ".." never climbs above the root, absolute symlinks start again from the root, and
// each symlink is read where the path reaches it (in the rootfs or in a mount's
// source). Every open is then confined to its root with openat2(RESOLVE_IN_ROOT), so a
// path can never reach the host's files through the container's symlinks.
#pragma once

#include <string>
#include <vector>

#include "base/unique_fd.hpp"

namespace stack::engine::cp {

// A mount of a stopped container: a path in it, and where its content really is.
struct MountPoint {
  std::vector<std::string> destination;  // components: "/var/lib/db" -> {"var", "lib", "db"}
  UniqueFd dir;        // the source directory, or the parent of a single-file source
  std::string prefix;  // "" for a directory source, the file's name for a file source
  bool read_only = false;
};

struct FsView {
  UniqueFd root;
  bool root_read_only = false;
  std::vector<MountPoint> mounts;
};

// Where a resolved path lives: `rel` (no symlinks on the way, "" for `dir_fd` itself)
// beneath `dir_fd`, which is the view's root or a mount's source.
struct Location {
  int dir_fd = -1;
  std::string rel;
  bool read_only = false;
};

// The path components of `path` ("/a//b/./c/" -> {"a", "b", ".", "c"}; "." kept, empty dropped).
std::vector<std::string> path_components(const std::string& path);

// `path` (absolute in the view) with every symlink resolved, and the last component
// too when `follow_last`. A missing component ends the resolution: the rest is taken
// as it is (a destination may not exist yet). Throws stack::Error on a symlink loop.
std::vector<std::string> resolve_components(const FsView& view, const std::string& path, bool follow_last);

// Where the resolved components are: the deepest mount whose destination holds them, or the root.
Location locate(const FsView& view, const std::vector<std::string>& components);

// openat2 of the location with `flags` (O_CLOEXEC added), confined to its dir_fd;
// -1 with errno set on failure.
int try_open(const Location& where, int flags);

// "/" + components joined: how a resolved path is shown.
std::string shown_path(const std::vector<std::string>& components);

}  // namespace stack::engine::cp
