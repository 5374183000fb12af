#include "engine/image/entry_metadata.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "base/syscall_error.hpp"

namespace stack::engine::image {

namespace {

// overlayfs reads its own trusted.overlay.* xattrs in lower layers (opaque, redirect,
// metacopy): only the whiteout conversion may set them, never the archive.
bool is_overlay_xattr(std::string_view name) { return name.substr(0, 16) == "trusted.overlay."; }

void apply_xattrs(int dir_fd, const std::string& base, archive_entry* entry) {
  archive_entry_xattr_reset(entry);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    if (!name || is_overlay_xattr(name)) continue;
    if (set_xattr_at(dir_fd, base, name, value, size)) continue;
    // The filesystem does not store this namespace (e.g. user.* on a symlink): the
    // one refusal that is not an error, as with tar --xattrs.
    if (errno == EOPNOTSUPP) continue;
    throw syscall_error("set xattr " + std::string(name));
  }
}

}  // namespace

bool set_xattr_at(int dir_fd, const std::string& base, const std::string& name, const void* value, size_t size) {
  // fsetxattr refuses O_PATH fds and a fifo or device cannot be opened to get another
  // kind, so go by path: the fd's /proc link (our own, confined directory) plus one
  // plain name, whose symlink lsetxattr does not follow.
  const std::string path = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + base;
  return ::lsetxattr(path.c_str(), name.c_str(), value, size, 0) == 0;
}

void apply_owner_mode_xattrs(int dir_fd, const std::string& base, archive_entry* entry, bool is_symlink) {
  const auto uid = static_cast<uid_t>(archive_entry_uid(entry));
  const auto gid = static_cast<gid_t>(archive_entry_gid(entry));
  if (::fchownat(dir_fd, base.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
    throw syscall_error("chown to " + std::to_string(uid) + ":" + std::to_string(gid));
  if (!is_symlink) {
    const mode_t mode = archive_entry_perm(entry) & 07777;
    // `base` was just created by us as a non-symlink, so following it is safe.
    if (::fchmodat(dir_fd, base.c_str(), mode, 0) != 0) throw syscall_error("chmod");
  }
  apply_xattrs(dir_fd, base, entry);
}

void entry_times(archive_entry* entry, timespec times[2]) {
  times[1].tv_sec = archive_entry_mtime(entry);
  times[1].tv_nsec = archive_entry_mtime_nsec(entry);
  if (archive_entry_atime_is_set(entry)) {
    times[0].tv_sec = archive_entry_atime(entry);
    times[0].tv_nsec = archive_entry_atime_nsec(entry);
  } else {
    times[0] = times[1];
  }
}

void set_times(int dir_fd, const std::string& base, const timespec times[2]) {
  if (::utimensat(dir_fd, base.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) throw syscall_error("set times");
}

}  // namespace stack::engine::image
