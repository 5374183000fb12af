// The start handshake between a parent and a child that becomes a process of a
// container. start_exec (exec.cpp) forks a helper and releases it with "go" once the
// helper is in the container's cgroup:
//
//   parent                                   child
//   open_start_pipes()
//   fork() ---------------------------------> wait_for_go(go.read)
//   puts the child in its cgroup, ...
//   writes "go" ---------------------------->  namespaces, rootfs, user, ..., execve
//   read_child_failure(error.read) <--------- EOF at exec (the pipe is O_CLOEXEC),
//                                  <--------- or report_failure(error.write, e), then _exit
//   on failure: kill_and_reap(pid)
//
// start_container (launcher.cpp) needs no "go": its child moves itself into the cgroup,
// and the parent waits for the child's exec or exit in clone() (CLONE_VFORK); it uses
// the error pipe alone.
//
// The failure travels as "message" or "message\nhint", so the parent rethrows the
// child's stack::Error with its hint.
#pragma once

#include <sys/types.h>

#include <exception>
#include <optional>
#include <string>

#include "base/error.hpp"
#include "base/unique_fd.hpp"

namespace stack::engine::runtime {

struct ErrorPipe {
  UniqueFd read;   // parent: EOF on the child's exec, or its failure
  UniqueFd write;  // child: the failure, if any
};

struct StartPipes {
  UniqueFd go_read;   // child: one byte when the parent is done preparing it
  UniqueFd go_write;  // parent
  ErrorPipe error;
};

// O_CLOEXEC pipes. Throw SyscallError "<what>: <errno text>"; nothing is left open.
ErrorPipe open_error_pipe(const std::string& what);
StartPipes open_start_pipes(const std::string& what);

// In the child: blocks until the parent writes "go". Exits the child with 127 when the
// parent closed the pipe instead (it gave up on the child: nobody to report to).
void wait_for_go(int fd);

// In the child: sends `e` (message, and "\n" + hint when it is a stack::Error with one)
// to the error pipe. Best effort: the child exits right after anyway.
void report_failure(int fd, const std::exception& e);

// In the parent, after "go": reads the error pipe to EOF. nullopt when the child exec'd
// (nothing was written), else the child's error with its hint.
std::optional<Error> read_child_failure(int fd);

// Ends a child that never got to (or failed before) exec and reaps it, so no zombie
// outlives the error the caller is about to throw.
void kill_and_reap(pid_t pid);

}  // namespace stack::engine::runtime
