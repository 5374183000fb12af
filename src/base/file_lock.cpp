#include "base/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"

namespace stack::base {

FileLock::FileLock(const std::string& path, Mode mode)
    : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
  if (!fd_) throw Error("cannot open lock " + path + ": " + std::strerror(errno));
  int op = mode == Mode::Shared ? LOCK_SH : LOCK_EX;
  while (::flock(fd_.get(), op) != 0) {
    if (errno != EINTR) throw Error("cannot lock " + path + ": " + std::strerror(errno));
  }
}

}  // namespace stack::base
