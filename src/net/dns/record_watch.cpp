#include "net/dns/record_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/syscall_error.hpp"

namespace stack::net::dns {

namespace {
constexpr uint32_t kRecordEvents = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF | IN_ONLYDIR;
// Only state.json matters in a container's directory (its logs are written constantly,
// but we do not ask for IN_MODIFY); IN_CREATE covers a directory appearing under a
// parent that is watched while the container's own directory does not exist yet.
constexpr uint32_t kStateEvents = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
}  // namespace

RecordWatch::RecordWatch(const std::string& networks_dir, const std::vector<std::string>& state_dirs)
    : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (!fd_) throw syscall_error("create an inotify instance for the DNS records");
  const int top = ::inotify_add_watch(fd_.get(), networks_dir.c_str(), kRecordEvents);
  if (top < 0) throw syscall_error("watch " + networks_dir);
  record_watches_.insert(top);
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator(networks_dir, ec)) {
    const int wd = ::inotify_add_watch(fd_.get(), dir.path().c_str(), kRecordEvents);
    if (wd >= 0) record_watches_.insert(wd);
  }
  for (const auto& dir : state_dirs) ::inotify_add_watch(fd_.get(), dir.c_str(), kStateEvents);
}

bool RecordWatch::drain() {
  alignas(inotify_event) char buffer[8192];
  bool relevant = false;
  for (;;) {
    const ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
    if (n <= 0) return relevant;  // EAGAIN: drained
    for (ssize_t at = 0; at < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (record_watches_.count(ev->wd) || (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW)) ||
          (ev->mask & IN_ISDIR) || (ev->len > 0 && std::strcmp(ev->name, "state.json") == 0))
        relevant = true;
    }
  }
}

}  // namespace stack::net::dns
