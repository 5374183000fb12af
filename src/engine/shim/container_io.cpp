#include "engine/shim/container_io.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>

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

void make_pty(ContainerIo& io, bool stdin_open) {
  UniqueFd master(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) throw syscall_error("open a pseudo-terminal");
  if (grantpt(master.get()) < 0 || unlockpt(master.get()) < 0) throw syscall_error("unlock the pseudo-terminal");
  char name[128];
  if (ptsname_r(master.get(), name, sizeof name) != 0) throw syscall_error("name the pseudo-terminal");
  UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) throw syscall_error(std::string("open ") + name);
  // Docker's default size until a client says otherwise.
  struct winsize ws {};
  ws.ws_row = 24;
  ws.ws_col = 80;
  ioctl(master.get(), TIOCSWINSZ, &ws);
  if (fcntl(master.get(), F_SETFL, O_NONBLOCK) < 0) throw syscall_error("make the pty non-blocking");
  if (stdin_open) {
    io.in = UniqueFd(fcntl(master.get(), F_DUPFD_CLOEXEC, 3));
    if (!io.in) throw syscall_error("duplicate the pty");
  }
  io.child_in = UniqueFd(fcntl(slave.get(), F_DUPFD_CLOEXEC, 3));
  io.child_err = UniqueFd(fcntl(slave.get(), F_DUPFD_CLOEXEC, 3));
  if (!io.child_in || !io.child_err) throw syscall_error("duplicate the pty");
  io.child_out = std::move(slave);
  io.out = std::move(master);
}

}  // namespace

void ContainerIo::close_child_ends() {
  child_in.reset();
  child_out.reset();
  child_err.reset();
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
  if (tty) {
    make_pty(io, stdin_open);
    return io;
  }
  make_pipe(io.out, io.child_out, true);
  make_pipe(io.err, io.child_err, true);
  if (stdin_open) make_pipe(io.in, io.child_in, false);
  return io;
}

}  // namespace stack::engine::shim
