// The caller's terminal during an attached session (`run -it`, `exec -it`): raw mode for
// as long as the session lasts, restored after.
#pragma once

#include <termios.h>

namespace stack::engine {

class RawTerminal {
 public:
  // Does nothing when fd is negative or not a terminal.
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace stack::engine
