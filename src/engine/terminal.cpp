#include "engine/terminal.hpp"

#include <unistd.h>

namespace stack::engine {

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (fd < 0 || !isatty(fd) || tcgetattr(fd, &saved_) < 0) return;
  termios raw = saved_;
  cfmakeraw(&raw);
  active_ = tcsetattr(fd, TCSANOW, &raw) == 0;
}

RawTerminal::~RawTerminal() {
  if (active_) tcsetattr(fd_, TCSANOW, &saved_);
}

}  // namespace stack::engine
