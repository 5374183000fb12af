#include "engine/shim/container_io.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>

#include "base/fd_passing.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::shim {
namespace {

// A pipe: the shim's end non-blocking, both close-on-exec (the runtime dups the
// container's end onto 0-2, which clears the flag there).
void make_pipe(UniqueFd& shim_end, UniqueFd& child_end, bool shim_reads) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) throw syscall_error("create a pipe for the container's stdio");
  UniqueFd r(fds[0]), w(fds[1]);
  shim_end = shim_reads ? std::move(r) : std::move(w);
  child_end = shim_reads ? std::move(w) : std::move(r);
  if (fcntl(shim_end.get(), F_SETFL, O_NONBLOCK) < 0) throw syscall_error("make the stdio pipe non-blocking");
}

}  // namespace

void ContainerIo::close_child_ends() {
  child_in.reset();
  child_out.reset();
  child_err.reset();
  child_console.reset();
}

void ContainerIo::receive_terminal() {
  UniqueFd master = base::receive_fd(console.get());
  console.reset();
  // Docker's default size until a client says otherwise.
  struct winsize ws {};
  ws.ws_row = 24;
  ws.ws_col = 80;
  ioctl(master.get(), TIOCSWINSZ, &ws);
  if (fcntl(master.get(), F_SETFL, O_NONBLOCK) < 0) throw syscall_error("make the terminal non-blocking");
  if (stdin_open) {
    in = UniqueFd(fcntl(master.get(), F_DUPFD_CLOEXEC, 3));
    if (!in) throw syscall_error("duplicate the terminal");
  }
  out = std::move(master);
}

void ContainerIo::resize(unsigned short rows, unsigned short cols) const {
  if (!tty || !out) return;
  struct winsize ws {};
  ws.ws_row = rows;
  ws.ws_col = cols;
  ioctl(out.get(), TIOCSWINSZ, &ws);
}

ContainerIo make_container_io(bool tty, bool stdin_open) {
  ContainerIo io;
  io.tty = tty;
  io.stdin_open = stdin_open;
  if (tty) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) throw syscall_error("create the console socket");
    io.console = UniqueFd(pair[0]);
    io.child_console = UniqueFd(pair[1]);
    return io;
  }
  make_pipe(io.out, io.child_out, true);
  make_pipe(io.err, io.child_err, true);
  if (stdin_open) make_pipe(io.in, io.child_in, false);
  return io;
}

}  // namespace stack::engine::shim
