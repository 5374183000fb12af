#include "engine/runtime/launcher.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <optional>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/cgroup_fs.hpp"
#include "engine/runtime/child_handshake.hpp"
#include "engine/runtime/container_child.hpp"
#include "engine/runtime/namespace_kinds.hpp"

namespace stack::engine::runtime {
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

  Cgroup cgroup = container_cgroup(spec.cgroup_parent, o.id, o.cgroup_root);
  cgroup.create(spec.resources);
  StartPipes pipes;
  try {
    cgroup.restrict_devices(device_access(spec));
    pipes = open_start_pipes("create the start pipes");
  } catch (...) {
    cgroup.remove();
    throw;
  }
  ctx.go_fd = pipes.go_read.get();
  ctx.error_fd = pipes.error_write.get();

  const pid_t pid = static_cast<pid_t>(syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
  if (pid == 0) run_container_child(ctx);
  if (pid < 0) {
    int e = errno;
    cgroup.remove();
    throw syscall_error("clone the container process", e);
  }
  pipes.go_read.reset();
  pipes.error_write.reset();
  try {
    cgroup.add_process(pid);
    if (spec.process.oom_score_adj)
      cgroupfs::write_value("/proc/" + std::to_string(pid) + "/oom_score_adj",
                            std::to_string(*spec.process.oom_score_adj));
    if (::write(pipes.go_write.get(), "g", 1) != 1) throw syscall_error("start the container process");
  } catch (...) {
    kill_and_reap(pid);
    cgroup.remove();
    throw;
  }
  pipes.go_write.reset();
  if (std::optional<Error> failure = read_child_failure(pipes.error_read.get())) {
    kill_and_reap(pid);
    cgroup.remove();
    throw *failure;
  }
  return StartedContainer{pid, cgroup};
}

}  // namespace stack::engine::runtime
