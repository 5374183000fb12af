// The metadata of an entry written into a layer: applied by (directory fd, name) so that
// nothing is resolved through the archive's path again.
#pragma once

#include <time.h>

#include <string>

struct archive_entry;

namespace stack::engine::image {

// Owner (numeric ids from the archive), then the mode (after chown, which clears
// setuid/setgid), then xattrs (after chown, which clears security.capability).
// Not the mode for a symlink (they have none). `base` "." is the directory itself.
void apply_owner_mode_xattrs(int dir_fd, const std::string& base, archive_entry* entry, bool is_symlink);

// The entry's access and modification times (access = modification when the archive
// has none), for utimensat.
void entry_times(archive_entry* entry, timespec times[2]);

// utimensat(dir_fd, base, times, AT_SYMLINK_NOFOLLOW), throwing on failure.
void set_times(int dir_fd, const std::string& base, const timespec times[2]);

// setxattr on dir_fd/base (never following a symlink at base). False with errno on failure.
bool set_xattr_at(int dir_fd, const std::string& base, const std::string& name, const void* value, size_t size);

}  // namespace stack::engine::image
