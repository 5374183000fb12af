// The container's side of start_container (launcher.hpp): everything between clone()
// and execve(), run in the new process. Internal to the runtime.
#pragma once

#include <utility>
#include <vector>

#include "engine/runtime/child_memory.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/runtime/seccomp.hpp"

namespace stack::engine::runtime {

// Everything the child reads lives in the parent, which is suspended until the child
// execs or exits (CLONE_VFORK).
struct ChildContext {
  const Spec* spec = nullptr;
  const StartOptions* options = nullptr;
  const SeccompProgram* seccomp = nullptr;
  const Cgroup* cgroup = nullptr;  // the child moves itself in, first thing
  ExecScratch scratch;             // its exec image goes there, off the shared heap
  int error_fd = -1;  // write: one message on failure; O_CLOEXEC, so exec closes it
  std::vector<std::pair<int, int>> join;  // (namespace fd, CLONE_NEW* type) to setns into
  bool new_cgroup_namespace = false;
  bool new_network_namespace = false;  // then its loopback is brought up, as Docker does
};

struct StdioFds {
  int in = -1;   // -1: /dev/null
  int out = -1;  // -1: inherited
  int err = -1;
  // With spec.process.terminal: the process gets a new terminal from the container's
  // own /dev/pts as stdin/stdout/stderr, and its master goes over this unix socket.
  int console_socket = -1;
};

// The last steps shared by a container's init and `exec`: resolve the user in the
// container's /etc, switch to it keeping only the spec's capabilities, no_new_privs,
// cwd, environment, stdio, seccomp (last), execve. The exec image is packed into
// `scratch`, and nothing this call allocated is left on the heap at execve. Returns
// only by throwing.
[[noreturn]] void become_process(const Spec& spec, const SeccompProgram& seccomp, const StdioFds& stdio,
                                 ExecScratch scratch);

// Never returns: execs the command, or reports why it could not and exits 127.
[[noreturn]] void run_container_child(const ChildContext& context) noexcept;

// The executable args[0] names: as given when it has a '/', else searched in PATH
// (from `env`, or Docker's default PATH). Throws stack::Error with Docker's wording.
std::string find_executable(const std::string& name, const std::vector<std::string>& env);

// The environment a process gets: PATH, HOSTNAME and HOME added when missing, as Docker does.
std::vector<std::string> process_environment(const Spec& spec, const std::string& home);

}  // namespace stack::engine::runtime
