#include "engine/image/beneath.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "base/syscall_error.hpp"

namespace stack::engine::image {

namespace {

constexpr int kMaxRetries = 16;

std::string shown(const std::string& path) { return "\"" + (path.empty() ? std::string(".") : path) + "\""; }

}  // namespace

int try_openat2(int dir_fd, const std::string& path, int flags, uint64_t resolve) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = resolve;
  const char* name = path.empty() ? "." : path.c_str();
  // EAGAIN: a concurrent rename somewhere in the filesystem made the kernel unsure the
  // walk stayed beneath; it asks to retry.
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, dir_fd, name, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if ((errno != EAGAIN && errno != EINTR) || attempt == kMaxRetries) return -1;
  }
}

int try_open_beneath(int root_fd, const std::string& path, int flags) {
  return try_openat2(root_fd, path, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
}

UniqueFd open_beneath(int root_fd, const std::string& path, int flags) {
  int fd = try_open_beneath(root_fd, path, flags);
  if (fd >= 0) return UniqueFd(fd);
  if (errno == EXDEV) throw Error("path escapes the layer directory");
  throw syscall_error("open " + shown(path));
}

UniqueFd make_dirs_beneath(int root_fd, const std::string& path) {
  int fd = try_open_beneath(root_fd, path, O_PATH | O_DIRECTORY);
  if (fd >= 0) return UniqueFd(fd);
  if (errno != ENOENT) return open_beneath(root_fd, path, O_PATH | O_DIRECTORY);  // throws the cause
  // Walk down from the root, making each missing component in the directory the walk
  // has reached (a plain name in a confined fd, so mkdirat cannot go elsewhere).
  UniqueFd dir = open_beneath(root_fd, "", O_PATH | O_DIRECTORY);
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string prefix = path.substr(0, end);
    const std::string name = path.substr(start, end - start);
    start = end + 1;
    int next = try_open_beneath(root_fd, prefix, O_PATH | O_DIRECTORY);
    if (next < 0 && errno == ENOENT) {
      if (::mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
        throw syscall_error("create directory " + shown(prefix));
      // The process umask must not decide the mode of the layer's directories.
      if (::fchmodat(dir.get(), name.c_str(), 0755, 0) != 0) throw syscall_error("chmod " + shown(prefix));
      next = try_open_beneath(root_fd, prefix, O_PATH | O_DIRECTORY);
    }
    if (next < 0) {
      if (errno == EXDEV) throw Error("path escapes the layer directory");
      throw syscall_error("open " + shown(prefix));
    }
    dir.reset(next);
  }
  return dir;
}

void remove_at(int dir_fd, const std::string& name) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) return;
  if (errno != EISDIR) throw syscall_error("remove \"" + name + "\"");
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw syscall_error("open directory \"" + name + "\"");
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::fdopendir(fd), &::closedir);
  if (!listing) {
    int err = errno;
    ::close(fd);
    throw syscall_error("list directory \"" + name + "\"", err);
  }
  while (dirent* child = ::readdir(listing.get())) {
    std::string child_name = child->d_name;
    if (child_name == "." || child_name == "..") continue;
    remove_at(::dirfd(listing.get()), child_name);
  }
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) throw syscall_error("remove directory \"" + name + "\"");
}

}  // namespace stack::engine::image
