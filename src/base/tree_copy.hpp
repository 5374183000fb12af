// A faithful copy of a directory's content into another directory, as docker's volume
// copy-up makes it: owners, modes, times, extended attributes, symlinks (as links, never
// followed), hard links (kept as links within the copy), device nodes, fifos. Sockets are
// skipped (they mean nothing without their process).
//
// Both sides are reached only through directory fds and *at calls with O_NOFOLLOW, so a
// symlink in the source never leads the copy outside it, and nothing is written outside
// the destination.
#pragma once

#include <string>

namespace stack::base {

// Copies everything inside `src_dir_fd` into `dst_dir_fd` (which should be empty: an
// existing name is an error). `what` starts every error message ("copy /var/lib/mysql
// into volume db: ..."). The destination directory itself takes the source's owner and
// mode, as a volume takes those of the image directory it is mounted over.
void copy_tree(int src_dir_fd, int dst_dir_fd, const std::string& what);

// Whether the directory `dir_fd` holds anything besides "." and ".." (false when it
// cannot be read).
bool has_entries(int dir_fd);

}  // namespace stack::base
