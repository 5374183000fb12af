#include "engine/shim_stream.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "engine/shim_protocol.hpp"
#include "engine/terminal.hpp"

namespace stack::engine {
namespace {

void send_size(const Layout& layout, const std::string& id, int tty_fd) {
  winsize ws{};
  if (ioctl(tty_fd, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0) return;
  try {
    shim_request(layout, id, "resize " + std::to_string(ws.ws_row) + " " + std::to_string(ws.ws_col));
  } catch (const std::exception&) {
  }
}

// Splits the byte stream into frames; returns the exit code once the exit frame came.
class FrameReader {
 public:
  FrameReader(int out_fd, int err_fd) : out_(out_fd), err_(err_fd) {}
  std::optional<int> feed(const char* data, size_t size) {
    buffer_.append(data, size);
    while (buffer_.size() >= 8) {
      const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data());
      const size_t n = (size_t(h[4]) << 24) | (size_t(h[5]) << 16) | (size_t(h[6]) << 8) | h[7];
      if (buffer_.size() < 8 + n) break;
      const char* payload = buffer_.data() + 8;
      if (h[0] == shim_protocol::kExit) return std::atoi(std::string(payload, n).c_str());
      base::write_all(h[0] == shim_protocol::kStderr ? err_ : out_, std::string_view(payload, n));
      buffer_.erase(0, 8 + n);
    }
    return std::nullopt;
  }

 private:
  int out_, err_;
  std::string buffer_;
};

}  // namespace

int pump_attach(int sock, const AttachStreams& s, const Layout& layout, const std::string& id) {
  std::optional<RawTerminal> raw;
  UniqueFd winch;
  if (s.tty && s.in_fd >= 0 && isatty(s.in_fd)) {
    raw.emplace(s.in_fd);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGWINCH);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    winch = UniqueFd(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    send_size(layout, id, s.in_fd);
  }
  FrameReader frames(s.out_fd, s.err_fd);
  bool input_open = s.in_fd >= 0;
  if (!input_open) ::shutdown(sock, SHUT_WR);
  char buf[32768];
  while (true) {
    pollfd fds[3] = {{sock, POLLIN, 0}, {input_open ? s.in_fd : -1, POLLIN, 0}, {winch ? winch.get() : -1, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[2].revents) {
      signalfd_siginfo info;
      while (::read(winch.get(), &info, sizeof info) == sizeof info) {
      }
      send_size(layout, id, s.in_fd);
    }
    if (fds[1].revents) {
      const ssize_t n = ::read(s.in_fd, buf, sizeof buf);
      if (n > 0 && ::send(sock, buf, n, MSG_NOSIGNAL) == n) continue;
      if (n < 0 && errno == EINTR) continue;
      input_open = false;  // end of input: the container's stdin is closed
      ::shutdown(sock, SHUT_WR);
    }
    if (fds[0].revents) {
      const ssize_t n = ::recv(sock, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (auto code = frames.feed(buf, n)) return *code;
    }
  }
  throw ShimGone("the supervisor of container " + id + " went away during attach");
}

}  // namespace stack::engine
