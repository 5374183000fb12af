#include "base/files.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>
#include <iterator>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace stack::base {

// Plain open/fstat/read: the shim reads its records (and the seccomp cache) on every
// container start, and iostreams would pull their locale machinery into it.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw Error("read " + path.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  std::string out;
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size));
  char buf[16384];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EISDIR) return out;  // as the iostream version read a directory: empty
    if (n < 0) throw Error("read " + path.string() + ": " + std::strerror(errno));
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

std::string read_file(const std::filesystem::path& path) {
  auto content = read_file_if_exists(path);
  if (!content) throw Error("open " + path.string() + ": no such file or directory");
  return *content;
}

std::string read_stdin() {
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode,
                       Durability durability) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) throw syscall_error("create a temporary file for " + path.string());
  auto fail = [&](const std::string& what) {
    int err = errno;
    ::unlink(temp.c_str());
    return syscall_error(what + " " + temp, err);
  };
  if (!write_all(fd.get(), content)) throw fail("write");
  if (::fchmod(fd.get(), mode) < 0) throw fail("chmod");
  if (durability == Durability::Sync && ::fsync(fd.get()) < 0) throw fail("fsync");
  fd.reset();
  if (::rename(temp.c_str(), path.c_str()) < 0) throw fail("rename to " + path.string() + " from");
  if (durability == Durability::Replace) return;
  UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd) ::fsync(dfd.get());
}

std::filesystem::path absolute_from(const std::filesystem::path& base, const std::filesystem::path& path) {
  if (path.is_absolute()) return path.lexically_normal();
  auto joined = (base / path).lexically_normal();
  // "a/b/" normalizes to "a/b/"; compose paths never keep a trailing slash.
  auto s = joined.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

void make_spread_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int flags = 0;
  if (!fd || ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0 || (flags & FS_TOPDIR_FL) != 0) return;
  flags |= FS_TOPDIR_FL;
  (void)ioctl(fd.get(), FS_IOC_SETFLAGS, &flags);
}

}  // namespace stack::base
