#include "engine/runtime/launcher.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <optional>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/child_handshake.hpp"
#include "engine/runtime/child_memory.hpp"
#include "engine/runtime/container_child.hpp"
#include "engine/runtime/namespace_kinds.hpp"

namespace stack::engine::runtime {
namespace {

// The child shares this process's memory, and this thread waits until the child execs
// or exits: unlike a fork, nothing is copied, and neither side takes a copy-on-write
// fault afterwards (some 70 faults a start, costly under virtualization). Under
// AddressSanitizer the child is forked instead, on a copy of this stack: the
// sanitizer's per-thread state (stack bounds, poisoned frames) is not safe to share
// with a child that runs on a stack it does not know and never returns.
pid_t clone_child(int flags, const ChildContext& ctx, const ChildMemory& memory) {
#if defined(__SANITIZE_ADDRESS__)
  (void)memory;
  const auto pid = static_cast<pid_t>(syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
  if (pid == 0) run_container_child(ctx);
  return pid;
#else
  auto child_main = [](void* context) -> int { run_container_child(*static_cast<const ChildContext*>(context)); };
  return clone(child_main, memory.stack_top(), flags | CLONE_VM | CLONE_VFORK, const_cast<ChildContext*>(&ctx));
#endif
}

}  // namespace

SeccompProgram seccomp_program_for(const Spec& spec, const std::string& cache_dir) {
  if (spec.privileged || spec.seccomp_profile == "unconfined") return {};
  if (spec.seccomp_profile.empty()) return default_seccomp_program(spec.process.capabilities, cache_dir);
  return compile_seccomp_profile(spec.seccomp_profile, spec.process.capabilities);
}

StartedContainer start_container(const Spec& spec, const StartOptions& o) {
  SeccompProgram computed;
  if (!o.seccomp) computed = seccomp_program_for(spec, o.seccomp_cache_dir);
  ChildContext ctx;
  ctx.spec = &spec;
  ctx.options = &o;
  ctx.seccomp = o.seccomp ? o.seccomp : &computed;
  int flags = SIGCHLD;
  std::vector<UniqueFd> ns_fds;
  for (const Namespace& ns : spec.namespaces) {
    const int flag = clone_flag_of(ns.type);
    if (!ns.path.empty()) {
      ns_fds.emplace_back(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!ns_fds.back()) throw syscall_error("open " + ns.type + " namespace " + ns.path);
      ctx.join.emplace_back(ns_fds.back().get(), flag);
    } else if (flag == CLONE_NEWCGROUP) {
      ctx.new_cgroup_namespace = true;  // after joining the cgroup, so it becomes the namespace's root
    } else {
      flags |= flag;
      if (flag == CLONE_NEWNET) ctx.new_network_namespace = true;
    }
  }

  ChildMemory memory;
  ctx.scratch = memory.scratch();
  Cgroup cgroup = container_cgroup(spec.cgroup_parent, o.id, o.cgroup_root);
  cgroup.create(spec.resources);
  ctx.cgroup = &cgroup;
  ErrorPipe pipe;
  try {
    cgroup.restrict_devices(device_access(spec));
    pipe = open_error_pipe("create the start pipe");
  } catch (...) {
    cgroup.remove();
    throw;
  }
  ctx.error_fd = pipe.write.get();

  const pid_t pid = clone_child(flags, ctx, memory);
  if (pid < 0) {
    int e = errno;
    cgroup.remove();
    throw syscall_error("clone the container process", e);
  }
  pipe.write.reset();
  if (std::optional<Error> failure = read_child_failure(pipe.read.get())) {
    kill_and_reap(pid);
    cgroup.remove();
    throw *failure;
  }
  return StartedContainer{pid, cgroup};
}

}  // namespace stack::engine::runtime
