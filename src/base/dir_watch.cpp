#include "base/dir_watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "base/syscall_error.hpp"

namespace stack::base {

DirWatch::DirWatch(const std::string& dir) : fd_(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) {
  if (!fd_) throw syscall_error("watch " + dir);
  ::inotify_add_watch(fd_.get(), dir.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
}

void DirWatch::wait(int timeout_ms) const {
  pollfd p{fd_.get(), POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  alignas(inotify_event) char events[4096];
  while (::read(fd_.get(), events, sizeof events) > 0) {
  }
}

}  // namespace stack::base
