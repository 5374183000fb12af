#include "engine/runtime/launcher.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/container_child.hpp"

namespace stack::engine::runtime {
namespace {

int clone_flag(const std::string& type) {
  static const std::map<std::string, int> kFlags = {
      {"mount", CLONE_NEWNS}, {"uts", CLONE_NEWUTS},     {"ipc", CLONE_NEWIPC},
      {"pid", CLONE_NEWPID},  {"network", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP}};
  auto it = kFlags.find(type);
  if (it == kFlags.end()) throw Error("unknown namespace type \"" + type + "\"");
  return it->second;
}

std::string read_to_end(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, n);
  }
  return out;
}

void write_oom_score_adj(pid_t pid, int value) {
  const std::string path = "/proc/" + std::to_string(pid) + "/oom_score_adj";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  const std::string text = std::to_string(value);
  if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw syscall_error("write " + path + " \"" + text + "\"");
}

// A child that never got "go" (or failed) is ended and reaped before the error leaves.
void abandon(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

SeccompProgram seccomp_program_for(const Spec& spec, const std::string& cache_dir) {
  if (spec.privileged || spec.seccomp_profile == "unconfined") return {};
  if (spec.seccomp_profile.empty()) return default_seccomp_program(spec.process.capabilities, cache_dir);
  return compile_seccomp_profile(spec.seccomp_profile, spec.process.capabilities);
}

StartedContainer start_container(const Spec& spec, const StartOptions& o) {
  const SeccompProgram seccomp = seccomp_program_for(spec, o.seccomp_cache_dir);
  ChildContext ctx;
  ctx.spec = &spec;
  ctx.options = &o;
  ctx.seccomp = &seccomp;
  int flags = SIGCHLD;
  std::vector<UniqueFd> ns_fds;
  for (const Namespace& ns : spec.namespaces) {
    const int flag = clone_flag(ns.type);
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
  try {
    cgroup.restrict_devices(device_access(spec));
  } catch (...) {
    cgroup.remove();
    throw;
  }
  int go[2], err[2];
  if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
    cgroup.remove();
    throw syscall_error("create the start pipes");
  }
  UniqueFd go_read(go[0]), go_write(go[1]), err_read(err[0]), err_write(err[1]);
  ctx.go_fd = go_read.get();
  ctx.error_fd = err_write.get();

  const pid_t pid = static_cast<pid_t>(syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
  if (pid == 0) run_container_child(ctx);
  if (pid < 0) {
    int e = errno;
    cgroup.remove();
    throw syscall_error("clone the container process", e);
  }
  go_read.reset();
  err_write.reset();
  try {
    cgroup.add_process(pid);
    if (spec.process.oom_score_adj) write_oom_score_adj(pid, *spec.process.oom_score_adj);
    if (::write(go_write.get(), "g", 1) != 1) throw syscall_error("start the container process");
  } catch (...) {
    abandon(pid);
    cgroup.remove();
    throw;
  }
  go_write.reset();
  const std::string failure = read_to_end(err_read.get());
  if (!failure.empty()) {
    abandon(pid);
    cgroup.remove();
    const size_t nl = failure.find('\n');
    if (nl == std::string::npos) throw Error(failure);
    throw Error(failure.substr(0, nl), failure.substr(nl + 1));
  }
  return StartedContainer{pid, cgroup};
}

}  // namespace stack::engine::runtime
