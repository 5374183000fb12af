// How `stack` talks to a container's stack-shim.
//
// Start: stack spawns `stack-shim --bundle <container dir> --run-dir <dir> --id <id>
// --seccomp-cache <dir> --sync-fd 3 [--attach-fd 4]` in a session of its own, and the
// shim writes one line on the sync fd:
//   "running <pid>\n"            the container's init is running (pid in the host's namespace)
//   "error <message>[\t<hint>]\n" it is not; nothing is left running
// With --attach-fd, that fd (one end of a socketpair made by stack) is an attach session
// from before the container starts, so no output is missed (`run` without -d).
// With --go-fd, the shim waits for one byte on that fd before it reads the container's
// records (stack writes them meanwhile); EOF instead means stack gave up: it just ends.
//
// Control: a unix stream socket <run dir>/shim.sock; one request line per connection,
// answered with "ok[ <value>]\n" or "error <message>\n":
//   stop <signal> <seconds>  the stop signal, SIGKILL after <seconds>; no restart.
//                            Answered "ok <exit code>" once the container has exited.
//   kill <signal>            sends the signal; SIGKILL/SIGTERM... count as a user stop.
//   pause | unpause          freezes / thaws the container's cgroup
//   wait                     "ok <exit code>" once the container exited for good
//   resize <rows> <cols>     the terminal's size (tty containers)
//   attach                   "ok\n", then output frames shim -> client, and raw input
//                            client -> shim (to the container's stdin when stdin_open;
//                            shutting down the write side closes it).
// Output frames are Docker's stdcopy frames: 8-byte header {stream, 0, 0, 0, size as
// big-endian uint32} then size bytes; stream 1 stdout, 2 stderr (a tty is all stream 1).
// When the container has exited for good the shim sends a stream-3 frame holding the
// exit code in decimal, and closes the connection.
#pragma once

#include <cstdint>

namespace stack::engine::shim_protocol {

constexpr uint8_t kStdout = 1;
constexpr uint8_t kStderr = 2;
constexpr uint8_t kExit = 3;
constexpr int kSyncFd = 3;
constexpr int kAttachFd = 4;
constexpr int kGoFd = 5;
constexpr const char* kSocketName = "shim.sock";

}  // namespace stack::engine::shim_protocol
