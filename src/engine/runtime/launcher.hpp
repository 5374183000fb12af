// Starting a container's init process from a spec.
//
//   parent                                   child (new mount/uts/ipc/pid[/net] namespaces),
//   cgroup created, limits written           in the parent's memory, on a stack of its own
//   clone(CLONE_VM | CLONE_VFORK) ----------> moves itself into the cgroup, oom_score_adj,
//     (returns once the child has             joins given namespaces, new cgroup namespace,
//      exec'd or exited)                      rootfs, mounts, hostname, sysctls, masked paths,
//                                             rlimits, user, capabilities, cwd, seccomp
//   reads the error pipe until EOF  <-------- execve (the pipe is O_CLOEXEC: EOF means success)
//                                   <-------- or one line "what failed: why", then _exit
//
// So a start either returns the pid of a process that is running the command, or throws
// stack::Error with the child's precise reason ("exec: \"nginx\": executable file not
// found in $PATH"), having removed what it made. Call from a single-threaded process
// (the shim, or a helper child of the CLI): the child runs C++ between clone and exec,
// on the parent's heap (it frees what it allocates before execve, see child_memory.hpp).
#pragma once

#include <string>

#include <sys/types.h>

#include "engine/runtime/cgroup.hpp"
#include "engine/runtime/seccomp.hpp"
#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

struct StartOptions {
  std::string id;                 // container id: the cgroup name under spec.cgroup_parent
  std::string rootfs;             // an empty directory the rootfs is mounted on (in the child's namespace)
  std::string seccomp_cache_dir;  // compiled seccomp programs ("" disables the cache)
  std::string cgroup_root = "/sys/fs/cgroup";
  int stdin_fd = -1;   // -1: /dev/null
  int stdout_fd = -1;  // -1: inherited
  int stderr_fd = -1;  // -1: inherited
  // With spec.process.terminal: a unix socket; the container opens its terminal in its
  // own /dev/pts and sends the master here before it execs (the stdio fds are unused).
  int console_socket = -1;
  // The container's seccomp program, when the caller already has it (a shim restarting
  // its container computes it once); null: seccomp_program_for(spec, seccomp_cache_dir).
  const SeccompProgram* seccomp = nullptr;
};

struct StartedContainer {
  pid_t pid = -1;  // in the caller's pid namespace
  Cgroup cgroup;
};

StartedContainer start_container(const Spec& spec, const StartOptions& options);

// The seccomp program a process of this container gets (empty when privileged or
// unconfined): the default profile (cached in cache_dir) or the spec's profile file.
SeccompProgram seccomp_program_for(const Spec& spec, const std::string& cache_dir);

}  // namespace stack::engine::runtime
