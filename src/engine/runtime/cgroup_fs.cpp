#include "engine/runtime/cgroup_fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <thread>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::engine::runtime::cgroupfs {

void write_value(const std::string& path, const std::string& value) {
  auto fail = [&](int err) { return syscall_error("write " + path + " \"" + value + "\"", err); };
  // O_TRUNC means nothing to the kernel's files; it keeps a plain file (a test fake) exact.
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd) throw fail(errno);
  ssize_t n;
  do {
    n = ::write(fd.get(), value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw fail(errno);
  if (static_cast<size_t>(n) != value.size()) throw fail(EIO);
}

std::string read_value(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw syscall_error("read " + path);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw syscall_error("read " + path);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

std::string read_trimmed(const std::string& path) {
  std::string s = read_value(path);
  size_t begin = s.find_first_not_of(" \t\n");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\n");
  return s.substr(begin, end - begin + 1);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) == 0) return true;
  int err = errno;
  struct stat st;
  if (err == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
  throw syscall_error("mkdir " + path, err);
}

std::string remove_dir(const std::string& path, std::chrono::steady_clock::time_point deadline) {
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (::rmdir(path.c_str()) == 0) return "";
    int err = errno;
    if (err == ENOENT) return "";
    if (err != EBUSY || std::chrono::steady_clock::now() >= deadline) {
      return syscall_error("rmdir " + path, err).what();
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

std::string keyed_value(const std::string& content, const std::string& key) {
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 && line[key.size()] == ' ') {
      return line.substr(key.size() + 1);
    }
  }
  return "";
}

}  // namespace stack::engine::runtime::cgroupfs
