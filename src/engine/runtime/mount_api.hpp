// Thin wrappers over the new mount API (fsopen/fsconfig/fsmount, open_tree,
// mount_setattr, move_mount). Mounts are built detached, given their attributes, and
// only then attached, so a half-configured mount is never visible at its destination.
// Every failure throws SyscallError starting with `what`, the mount's name from
// describe_mount(): "mount tmpfs on /run (size=abc): Invalid argument".
#pragma once

#include <cstdint>
#include <string>

#include "base/unique_fd.hpp"

namespace stack::engine::runtime {

// A new detached filesystem: fsopen(type), "source" when not empty, each comma-separated
// word of `data` ("key=value" as a string, "key" as a flag), create, fsmount with `attrs`
// (MOUNT_ATTR_*). Returns the mount's fd, which is also a directory fd of its root.
UniqueFd new_filesystem(const std::string& type, const std::string& source, const std::string& data, uint64_t attrs,
                       const std::string& what);

// A detached copy of the mount at `path` (resolved from `dirfd`; empty path: dirfd itself),
// like a bind mount's source; `recursive` brings its submounts (rbind).
UniqueFd clone_tree(int dirfd, const std::string& path, bool recursive, const std::string& what);

// mount_setattr on the mount `fd` refers to (and its submounts when `recursive`).
void set_mount_attributes(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr, uint64_t propagation,
                          const std::string& what);

// Attaches the detached mount `tree` on top of the file or directory `dest_fd` refers to.
void attach_mount(const UniqueFd& tree, int dest_fd, const std::string& what);

}  // namespace stack::engine::runtime
