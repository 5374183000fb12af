// Path resolution confined to a directory: every lookup goes through openat2 with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so neither "..", an absolute symlink, a
// symlink climbing out, nor a /proc magic link can lead outside the root. This is what
// keeps a layer's entries inside its directory even after the layer planted symlinks.
#pragma once

#include <cstdint>
#include <string>

#include "base/unique_fd.hpp"

namespace stack::engine::image {

// openat2(dir_fd, path, flags | O_CLOEXEC) with the RESOLVE_* flags `resolve`, retried
// when the kernel asks to; "" is dir_fd itself. -1 with errno set on failure.
int try_openat2(int dir_fd, const std::string& path, int flags, uint64_t resolve);

// openat2(root_fd, path, flags | O_CLOEXEC) confined beneath root_fd; "" is the root
// itself. Throws stack::Error: "path escapes the layer directory" when resolution would
// leave the root, otherwise "<operation> \"path\": <strerror>".
UniqueFd open_beneath(int root_fd, const std::string& path, int flags);

// Like open_beneath, but -1 with errno set instead of throwing (for lookups that may miss).
int try_open_beneath(int root_fd, const std::string& path, int flags);

// The directory at `path` beneath root_fd as an O_PATH fd, creating the missing
// components (mode 0755, owned by the caller, as Docker does for parents the archive
// does not list).
UniqueFd make_dirs_beneath(int root_fd, const std::string& path);

// Removes whatever is at dir_fd/name, a whole tree for a directory (never following
// symlinks); nothing there is fine.
void remove_at(int dir_fd, const std::string& name);

}  // namespace stack::engine::image
