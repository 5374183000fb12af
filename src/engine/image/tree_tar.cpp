#include "engine/image/tree_tar.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::engine::image {
namespace {

constexpr std::string_view kOverlayXattrPrefix = "trusted.overlay.";

std::string joined(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "/" + name;
}

// Xattrs are read by path because f*xattr refuses O_PATH fds and a fifo or device cannot
// be opened for another kind: the directory fd's /proc link plus one plain name, whose
// symlink the l* calls do not follow (or the fd's own link, followed, for the fd itself).
std::string proc_path(int dir_fd, const std::string& base) {
  const std::string fd_link = "/proc/self/fd/" + std::to_string(dir_fd);
  return base.empty() ? fd_link : fd_link + "/" + base;
}

std::vector<std::pair<std::string, std::string>> read_xattrs(const std::string& path, bool follow) {
  std::vector<std::pair<std::string, std::string>> out;
  auto list = follow ? ::listxattr : ::llistxattr;
  auto get = follow ? ::getxattr : ::lgetxattr;
  const ssize_t size = list(path.c_str(), nullptr, 0);
  if (size <= 0) return out;
  std::string names(static_cast<size_t>(size), '\0');
  const ssize_t got = list(path.c_str(), names.data(), names.size());
  if (got < 0) throw syscall_error("list xattrs of " + path);
  names.resize(static_cast<size_t>(got));
  for (size_t pos = 0; pos < names.size();) {
    const std::string name = names.c_str() + pos;
    pos += name.size() + 1;
    if (name.empty() || name.rfind(kOverlayXattrPrefix, 0) == 0) continue;
    const ssize_t len = get(path.c_str(), name.c_str(), nullptr, 0);
    if (len < 0) continue;  // raced away, or not readable: nothing to keep
    std::string value(static_cast<size_t>(len), '\0');
    const ssize_t n = get(path.c_str(), name.c_str(), value.data(), value.size());
    if (n < 0) continue;
    value.resize(static_cast<size_t>(n));
    out.emplace_back(name, std::move(value));
  }
  return out;
}

bool is_opaque(const std::string& path, bool follow) {
  char value[2] = {};
  auto get = follow ? ::getxattr : ::lgetxattr;
  return get(path.c_str(), "trusted.overlay.opaque", value, sizeof value) == 1 && value[0] == 'y';
}

std::vector<std::string> sorted_names(int dir_fd) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw syscall_error("open directory");
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    const int err = errno;
    ::close(fd);
    throw syscall_error("list directory", err);
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_link_at(int dir_fd, const std::string& base, const struct stat& st) {
  std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096), '\0');
  const ssize_t n = ::readlinkat(dir_fd, base.c_str(), target.data(), target.size());
  if (n < 0) throw syscall_error("readlink");
  target.resize(static_cast<size_t>(n));
  return target;
}

TarEntry entry_of(const std::string& name, const struct stat& st) {
  TarEntry e;
  e.name = name;
  e.mode = st.st_mode & 07777;
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.mtime = st.st_mtim.tv_sec;
  return e;
}

}  // namespace

void TreeTar::add(int dir_fd, const std::string& base, const std::string& name) {
  try {
    struct stat st {};
    if (::fstatat(dir_fd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw syscall_error("stat");
    if (S_ISCHR(st.st_mode) && st.st_rdev == 0 && options_.overlay_whiteouts) return whiteout(name);
    if (S_ISSOCK(st.st_mode)) return;
    if (S_ISDIR(st.st_mode)) {
      UniqueFd dir(::openat(dir_fd, base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!dir) throw syscall_error("open directory");
      return add_directory(dir.get(), name);
    }
    TarEntry e = entry_of(name, st);
    e.xattrs = read_xattrs(proc_path(dir_fd, base), false);
    if (S_ISREG(st.st_mode)) return add_file(e, dir_fd, base, st);
    if (S_ISLNK(st.st_mode)) {
      e.type = '2';
      e.link = read_link_at(dir_fd, base, st);
      return tar_.add_entry(e);
    }
    e.type = S_ISCHR(st.st_mode) ? '3' : S_ISBLK(st.st_mode) ? '4' : '6';
    e.dev_major = major(st.st_rdev);
    e.dev_minor = minor(st.st_rdev);
    tar_.add_entry(e);
  } catch (const SyscallError& e) {
    throw e.wrap("\"" + name + "\"");
  }
}

void TreeTar::add_directory(int dir_fd, const std::string& name) {
  if (!name.empty()) {
    struct stat st {};
    if (::fstat(dir_fd, &st) != 0) throw syscall_error("stat \"" + name + "\"");
    TarEntry e = entry_of(name + "/", st);
    e.type = '5';
    e.xattrs = read_xattrs(proc_path(dir_fd, ""), true);
    tar_.add_entry(e);
    if (options_.overlay_whiteouts && is_opaque(proc_path(dir_fd, ""), true)) tar_.add_file(name + "/.wh..wh..opq", {}, 0);
  }
  add_children(dir_fd, name);
}

void TreeTar::add_children(int dir_fd, const std::string& prefix) {
  for (const std::string& child : sorted_names(dir_fd)) add(dir_fd, child, joined(prefix, child));
}

void TreeTar::add_file(TarEntry& e, int dir_fd, const std::string& base, const struct stat& st) {
  if (st.st_nlink > 1) {
    const auto [it, first] = links_.emplace(std::make_pair(st.st_dev, st.st_ino), e.name);
    if (!first) {
      e.type = '1';
      e.link = it->second;
      return tar_.add_entry(e);
    }
  }
  UniqueFd fd(::openat(dir_fd, base.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) throw syscall_error("open");
  e.type = '0';
  e.size = static_cast<uint64_t>(st.st_size);
  tar_.add_entry(e, fd.get());
}

void TreeTar::whiteout(const std::string& name) {
  const size_t slash = name.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : name.substr(0, slash + 1);
  tar_.add_file(dir + ".wh." + name.substr(dir.size()), {}, 0);
}

}  // namespace stack::engine::image
