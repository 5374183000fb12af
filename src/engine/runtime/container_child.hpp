// The container's side of start_container (launcher.hpp): everything between clone()
// and execve(), run in the new process. Internal to the runtime.
#pragma once

#include <utility>
#include <vector>

#include "engine/runtime/launcher.hpp"
#include "engine/runtime/seccomp.hpp"

namespace stack::engine::runtime {

struct ChildContext {
  const Spec* spec = nullptr;
  const StartOptions* options = nullptr;
  const SeccompProgram* seccomp = nullptr;
  int go_fd = -1;     // read: one byte when the parent has put us in our cgroup
  int error_fd = -1;  // write: one message on failure; O_CLOEXEC, so exec closes it
  std::vector<std::pair<int, int>> join;  // (namespace fd, CLONE_NEW* type) to setns into
  bool new_cgroup_namespace = false;
};

// Never returns: execs the command, or reports why it could not and exits 127.
[[noreturn]] void run_container_child(const ChildContext& context) noexcept;

// The executable args[0] names: as given when it has a '/', else searched in PATH
// (from `env`, or Docker's default PATH). Throws stack::Error with Docker's wording.
std::string find_executable(const std::string& name, const std::vector<std::string>& env);

// The environment a process gets: PATH, HOSTNAME and HOME added when missing, as Docker does.
std::vector<std::string> process_environment(const Spec& spec, const std::string& home);

}  // namespace stack::engine::runtime
