// The stack side of the shim protocol (shim_protocol.hpp): starting a shim and asking
// a running one to act. Every call that needs a shim that is gone throws ShimGone,
// so commands can fall back to acting on the container's processes directly (a
// killed shim leaves its container running).
#pragma once

#include <functional>
#include <string>

#include <sys/types.h>

#include "base/error.hpp"
#include "engine/layout.hpp"

namespace stack::engine {

class ShimGone : public Error {
 public:
  using Error::Error;
};

// stack-shim next to the running executable, or $STACK_SHIM.
std::string shim_binary();

// Starts the shim of a created container and returns the container's pid once it runs,
// or throws stack::Error with the shim's precise message.
pid_t start_shim(const Layout& layout, const std::string& id);

// Sends one request line; returns the value after "ok" (may be empty). Throws
// stack::Error for "error ..." and ShimGone when no shim answers.
std::string shim_request(const Layout& layout, const std::string& id, const std::string& request);

// Output of an attached container goes to out_fd / err_fd; in_fd (or -1) is copied to
// the container's stdin. Returns the exit code once the container exited for good.
struct AttachStreams {
  int in_fd = -1;
  int out_fd = 1;
  int err_fd = 2;
  bool tty = false;  // put in_fd's terminal in raw mode and forward window size changes
};

// Starts the shim with an attach session made before the start (no output is missed),
// and pumps the streams until the
// container has exited for good: `run` without -d. Returns the exit code.
// `before_go`, when given, runs once the shim is spawned and before it reads the
// container's records: writing them there overlaps the shim's own start-up. If it
// throws, the shim ends without doing anything and the exception is passed on.
int start_attached(const Layout& layout, const std::string& id, const AttachStreams& streams,
                   const std::function<void()>& before_go = {});

// Attaches to a running container (`start -a`, `attach`): returns the exit code.
int attach(const Layout& layout, const std::string& id, const AttachStreams& streams);

}  // namespace stack::engine
