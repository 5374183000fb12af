// The client side of an attach session (shim_protocol.hpp): output frames to the
// caller's fds, the caller's input to the container, and for a terminal, raw mode and
// window size changes. Internal to shim_client.
#pragma once

#include <string>

#include "engine/layout.hpp"
#include "engine/shim_client.hpp"

namespace stack::engine {

// Pumps until the exit frame; returns the exit code. Throws ShimGone when the
// connection ends without one (the shim was killed).
int pump_attach(int socket_fd, const AttachStreams& streams, const Layout& layout, const std::string& id);

}  // namespace stack::engine
