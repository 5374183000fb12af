// Path resolution inside a root filesystem for COPY and ADD: every lookup goes through
// openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, so "..", an absolute symlink
// ("/usr/x") or a symlink climbing out all resolve as they would inside the container,
// to <root>/usr/x, never to the host's files. (engine/image/beneath.hpp refuses such
// paths instead, which suits a layer's entries but not an image's own symlinks.)
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "base/unique_fd.hpp"

namespace stack::engine::build {

// openat2(root_fd, path, flags | O_CLOEXEC) resolved inside root_fd; "" is the root.
// -1 with errno set on failure.
int try_open_in_root(int root_fd, const std::string& path, int flags);

// Like try_open_in_root, throwing stack::Error "<operation> \"/path\": <strerror>".
UniqueFd open_in_root(int root_fd, const std::string& path, int flags, const std::string& operation = "open");

// The directory at `path` inside root_fd as an O_PATH fd, creating the missing
// components with mode 0755 and owner uid:gid (Docker's parents of a COPY destination).
// A dangling symlink on the way has its target made, inside the root.
UniqueFd make_dirs_in_root(int root_fd, const std::string& path, uid_t uid, gid_t gid);

// "a/b" + "c" -> "a/b/c"; an empty or "." side is left out.
std::string join_path(const std::string& parent, const std::string& name);

// "a/b/c" -> "a/b"; "c" -> "".
std::string parent_path(const std::string& path);
// "a/b/c" -> "c".
std::string base_name(const std::string& path);

}  // namespace stack::engine::build
