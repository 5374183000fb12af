#include "engine/build/copy_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "base/syscall_error.hpp"
#include "engine/image/beneath.hpp"

namespace stack::engine::build {

namespace {

std::string shown(const std::string& path) { return "\"/" + path + "\""; }

}  // namespace

int try_open_in_root(int root_fd, const std::string& path, int flags) {
  return image::try_openat2(root_fd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

UniqueFd open_in_root(int root_fd, const std::string& path, int flags, const std::string& operation) {
  int fd = try_open_in_root(root_fd, path, flags);
  if (fd < 0) throw syscall_error(operation + " " + shown(path));
  return UniqueFd(fd);
}

namespace {

constexpr int kMaxLinks = 40;  // the kernel's own limit on symlinks in one lookup

// The symlink `name` in dir_fd, or nothing when it is something else.
std::optional<std::string> link_target(int dir_fd, const std::string& name) {
  std::string target(4096, '\0');
  ssize_t size = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
  if (size < 0) return std::nullopt;
  target.resize(static_cast<size_t>(size));
  return target;
}

UniqueFd make_dirs(int root_fd, const std::string& path, uid_t uid, gid_t gid, int links) {
  int fd = try_open_in_root(root_fd, path, O_PATH | O_DIRECTORY);
  if (fd >= 0) return UniqueFd(fd);
  if (errno != ENOENT) throw syscall_error("open directory " + shown(path));
  // Walk down, making each missing component by name in the directory reached so far
  // (a plain name in a resolved fd, so mkdirat cannot land anywhere else).
  UniqueFd dir = open_in_root(root_fd, "", O_PATH | O_DIRECTORY);
  std::string prefix;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string name = path.substr(start, end - start);
    start = end + 1;
    if (name.empty()) continue;
    const std::string parent = prefix;
    prefix = join_path(prefix, name);
    int next = try_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY);
    if (next < 0 && errno == ENOENT) {
      if (::mkdirat(dir.get(), name.c_str(), 0755) != 0) {
        if (errno != EEXIST) throw syscall_error("create directory " + shown(prefix));
        // A dangling symlink: its target is made instead, inside the root as always.
        std::optional<std::string> target = link_target(dir.get(), name);
        if (!target) throw syscall_error("create directory " + shown(prefix), EEXIST);
        if (links == kMaxLinks) throw syscall_error("create directory " + shown(prefix), ELOOP);
        const std::string rest = start < path.size() ? path.substr(start) : std::string();
        const std::string redirected = target->front() == '/' ? target->substr(1) : join_path(parent, *target);
        return make_dirs(root_fd, join_path(redirected, rest), uid, gid, links + 1);
      }
      // Neither the umask nor the caller's ids decide the parents' mode and owner.
      if (::fchmodat(dir.get(), name.c_str(), 0755, 0) != 0) throw syscall_error("chmod " + shown(prefix));
      if (::fchownat(dir.get(), name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        throw syscall_error("chown " + shown(prefix));
      next = try_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY);
    }
    if (next < 0) throw syscall_error("open directory " + shown(prefix));
    dir.reset(next);
  }
  return dir;
}

}  // namespace

UniqueFd make_dirs_in_root(int root_fd, const std::string& path, uid_t uid, gid_t gid) {
  return make_dirs(root_fd, path, uid, gid, 0);
}

std::string join_path(const std::string& parent, const std::string& name) {
  if (parent.empty() || parent == ".") return name;
  if (name.empty() || name == ".") return parent;
  return parent + "/" + name;
}

std::string parent_path(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace stack::engine::build
