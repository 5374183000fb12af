// Parts of /proc and /sys a container must not read (masked) or change (read-only),
// applied in the container's own root after pivot_root.
#pragma once

#include <string>

namespace stack::engine::runtime {

// A file gets /dev/null bound over it, a directory an empty read-only tmpfs.
// A path that does not exist on this kernel is skipped.
void mask_path(const std::string& path);

// The path bound onto itself with its submounts, then made ro, nosuid, nodev, noexec.
// A path that does not exist is skipped.
void make_path_readonly(const std::string& path);

}  // namespace stack::engine::runtime
