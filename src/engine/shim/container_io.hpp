// The container's standard streams as its shim holds them: a pipe per stream, or one
// pseudo-terminal for `tty: true` (stdout and stderr are then one stream, as Docker).
// The terminal is opened by the container in its own /dev/pts (so it has a name there);
// its master comes back over the console socket once the container started.
#pragma once

#include <string>

#include "base/unique_fd.hpp"

namespace stack::engine::shim {

struct ContainerIo {
  // The shim's ends (non-blocking, close-on-exec). With a tty, `out` is the pty master
  // and `err` is empty; `in` is a second handle on the master when stdin is open.
  UniqueFd out;
  UniqueFd err;
  UniqueFd in;  // empty: the container's stdin is /dev/null (or closed by the client)
  // The container's ends, handed to the runtime and closed once it started.
  UniqueFd child_in;
  UniqueFd child_out;
  UniqueFd child_err;
  UniqueFd console;        // tty: our end of the console socket
  UniqueFd child_console;  // tty: the container's end
  bool tty = false;
  bool stdin_open = false;

  void close_child_ends();
  // tty: takes the terminal's master from the console socket (after the start).
  void receive_terminal();
  // Sets the terminal size (tty only; ignored otherwise).
  void resize(unsigned short rows, unsigned short cols) const;
};

// Throws stack::Error when a pipe or the pty cannot be made.
ContainerIo make_container_io(bool tty, bool stdin_open);

}  // namespace stack::engine::shim
