#include "base/tree_copy.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <map>
#include <utility>
#include <vector>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::base {
namespace {

using InodeKey = std::pair<dev_t, ino_t>;

struct Copier {
  std::string what;
  int dst_root = -1;
  // Hard links: the first copy of an inode with several links, by (device, inode), as
  // its path under dst_root (every directory on it was made by this copy: no symlinks).
  std::map<InodeKey, std::string> linked;

  [[noreturn]] void fail(const std::string& op, const std::string& name) { throw syscall_error(what + ": " + op + " " + name); }

  void copy_xattrs(int src_fd, int dst_fd, const std::string& name) {
    // Through /proc/self/fd, following the magic link: it leads to the inode the fd
    // refers to, a symlink itself for an O_PATH|O_NOFOLLOW fd (f*xattr refuses those).
    const std::string src = "/proc/self/fd/" + std::to_string(src_fd);
    const std::string dst = "/proc/self/fd/" + std::to_string(dst_fd);
    std::string names(4096, '\0');
    ssize_t n = ::listxattr(src.c_str(), names.data(), names.size());
    if (n < 0 && errno == ERANGE) {
      names.resize(65536);
      n = ::listxattr(src.c_str(), names.data(), names.size());
    }
    if (n <= 0) return;  // none, or a filesystem without xattrs
    for (size_t at = 0; at < static_cast<size_t>(n);) {
      const std::string key(names.c_str() + at);
      at += key.size() + 1;
      if (key.rfind("trusted.overlay.", 0) == 0) continue;  // overlay's own bookkeeping
      std::string value(65536, '\0');
      const ssize_t len = ::getxattr(src.c_str(), key.c_str(), value.data(), value.size());
      if (len < 0) continue;  // raced away, or not readable: nothing to keep
      if (::setxattr(dst.c_str(), key.c_str(), value.data(), len, 0) != 0 && errno != ENOTSUP && errno != EPERM)
        fail("set " + key + " on", name);
    }
  }

  // Owner, mode and times of a copied entry, from the source's stat. Symlinks take the
  // owner and times only (they have no mode of their own).
  void copy_metadata(int dir_fd, const std::string& name, const struct stat& st, int src_fd, int dst_fd) {
    if (::fchownat(dir_fd, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0) fail("chown", name);
    if (!S_ISLNK(st.st_mode) && ::fchmodat(dir_fd, name.c_str(), st.st_mode & 07777, 0) != 0) fail("chmod", name);
    if (src_fd >= 0 && dst_fd >= 0) copy_xattrs(src_fd, dst_fd, name);
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(dir_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) fail("set times of", name);
  }

  void copy_file(int src_dir, int dst_dir, const std::string& name, const struct stat& st) {
    UniqueFd in(::openat(src_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) fail("open", name);
    UniqueFd out(::openat(dst_dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) fail("create", name);
    for (off_t left = st.st_size; left > 0;) {
      const ssize_t n = ::sendfile(out.get(), in.get(), nullptr, static_cast<size_t>(left));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("copy", name);
      if (n == 0) break;  // the file shrank while being copied: keep what there was
      left -= n;
    }
    copy_metadata(dst_dir, name, st, in.get(), out.get());
  }

  void copy_symlink(int src_dir, int dst_dir, const std::string& name, const struct stat& st) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    const ssize_t n = ::readlinkat(src_dir, name.c_str(), target.data(), target.size());
    if (n < 0) fail("readlink", name);
    target.resize(static_cast<size_t>(n));
    if (::symlinkat(target.c_str(), dst_dir, name.c_str()) != 0) fail("symlink", name);
    UniqueFd src(::openat(src_dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    UniqueFd dst(::openat(dst_dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    copy_metadata(dst_dir, name, st, src.get(), dst.get());
  }

  void copy_special(int src_dir, int dst_dir, const std::string& name, const struct stat& st) {
    if (::mknodat(dst_dir, name.c_str(), st.st_mode, st.st_rdev) != 0) fail("mknod", name);
    UniqueFd src(::openat(src_dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    UniqueFd dst(::openat(dst_dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    copy_metadata(dst_dir, name, st, src.get(), dst.get());
  }

  // A second name of an inode already copied becomes a hard link to that copy.
  bool link_if_seen(int dst_dir, const std::string& name, const std::string& path, const struct stat& st) {
    if (S_ISDIR(st.st_mode) || st.st_nlink < 2) return false;
    auto [it, first] = linked.try_emplace(InodeKey{st.st_dev, st.st_ino}, path);
    if (first) return false;
    if (::linkat(dst_root, it->second.c_str(), dst_dir, name.c_str(), 0) != 0) fail("link", path);
    return true;
  }

  void copy_entry(int src_dir, int dst_dir, const std::string& prefix, const std::string& name) {
    const std::string path = prefix + name;
    struct stat st {};
    if (::fstatat(src_dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail("stat", path);
    if (link_if_seen(dst_dir, name, path, st)) return;
    if (S_ISDIR(st.st_mode)) {
      if (::mkdirat(dst_dir, name.c_str(), 0700) != 0) fail("mkdir", name);
      UniqueFd src(::openat(src_dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      UniqueFd dst(::openat(dst_dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!src || !dst) fail("open directory", name);
      copy_children(src.get(), dst.get(), path + "/");
      copy_metadata(dst_dir, name, st, src.get(), dst.get());  // last: the mode may forbid writing
    } else if (S_ISREG(st.st_mode)) {
      copy_file(src_dir, dst_dir, name, st);
    } else if (S_ISLNK(st.st_mode)) {
      copy_symlink(src_dir, dst_dir, name, st);
    } else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
      return;  // an overlay whiteout seen through a single layer: the file is deleted
    } else if (!S_ISSOCK(st.st_mode)) {
      copy_special(src_dir, dst_dir, name, st);
    }
  }

  void copy_children(int src_dir, int dst_dir, const std::string& prefix) {
    UniqueFd listing(::openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing) fail("open directory", ".");
    DIR* d = ::fdopendir(listing.get());
    if (!d) fail("read directory", ".");
    listing.release();
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const std::string& n : names) copy_entry(src_dir, dst_dir, prefix, n);
  }
};

}  // namespace

void copy_tree(int src_dir_fd, int dst_dir_fd, const std::string& what) {
  Copier c{what, dst_dir_fd, {}};
  c.copy_children(src_dir_fd, dst_dir_fd, "");
  struct stat st {};
  if (::fstat(src_dir_fd, &st) != 0) throw syscall_error(what + ": stat");
  if (::fchown(dst_dir_fd, st.st_uid, st.st_gid) != 0) throw syscall_error(what + ": chown");
  if (::fchmod(dst_dir_fd, st.st_mode & 07777) != 0) throw syscall_error(what + ": chmod");
}

bool has_entries(int dir_fd) {
  UniqueFd listing(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR* d = listing ? ::fdopendir(listing.get()) : nullptr;
  if (!d) return false;
  listing.release();
  bool any = false;
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") {
      any = true;
      break;
    }
  }
  ::closedir(d);
  return any;
}

}  // namespace stack::base
