// stack-shim's supervisor: the parent of one container's init for as long as the
// container lives, restarts included. Single-threaded, one poll loop over: SIGCHLD
// (signalfd), the container's output, the control socket and its clients, and the
// deadlines (restart back-off, stop grace period, healthchecks).
//
// It owns the container's state record (state.json) and writes it on every transition;
// it writes the container's output to the json-file log; it applies the restart policy;
// it answers the control protocol of shim_protocol.hpp. When the container has exited
// for good it removes the cgroup (and, with auto_remove, the container), answers every
// waiter and ends.
#pragma once

#include <memory>
#include <string>

#include "engine/layout.hpp"

namespace stack::engine::shim {

struct ShimOptions {
  std::string id;
  Roots roots;  // every path of the container comes from Layout(roots)
  std::string cgroup_root = "/sys/fs/cgroup";
  int sync_fd = -1;    // the "running <pid>" / "error ..." report
  int go_fd = -1;      // wait for a byte here before reading the records
  int attach_fd = -1;  // an attach session from before the start (see shim_protocol.hpp)
};

// Starts the container and supervises it; returns the shim's exit status (0 once the
// container exited for good, 1 when it could not be started: the reason went to sync_fd).
int run_supervisor(const ShimOptions& options);

}  // namespace stack::engine::shim
