// Running another process inside a running container (`stack exec`, healthchecks).
//
// The caller may be multithreaded, so the work happens in a forked, single-threaded
// helper: it is put in the container's cgroup, setns()es into the container's
// namespaces (mount last), then forks once more so the command is inside the pid
// namespace, and that process becomes the command through the same steps as the
// container's init (user, capabilities, cwd, environment, seccomp). Failures before
// exec come back as stack::Error, like a start.
#pragma once

#include <sys/types.h>

#include "engine/runtime/cgroup.hpp"
#include "engine/runtime/seccomp.hpp"
#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

struct ExecRequest {
  pid_t container_pid = -1;  // the container's init, in the caller's pid namespace
  const Cgroup* cgroup = nullptr;
  Spec spec;  // process (args, env, cwd, user, capabilities, no_new_privileges); privileged, seccomp_profile
  SeccompProgram seccomp;  // empty: none
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  // Signals sent to the helper (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2) are
  // passed on to the command; with this set, SIGTERM kills it instead (healthcheck
  // timeouts must end the check, whatever it does with SIGTERM).
  bool kill_on_sigterm = false;
  // With spec.process.terminal: as StartOptions::console_socket.
  int console_socket = -1;
};

// Starts the command; returns the pid of the helper, whose exit status is the command's
// (exit code, or 128 + signal number when a signal ended it).
pid_t start_exec(const ExecRequest& request);

// start_exec, then waits: the command's exit code (128 + signal when signalled).
int run_exec(const ExecRequest& request);

}  // namespace stack::engine::runtime
