#include "engine/runtime/exec.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "base/syscall_error.hpp"
#include "base/wait_status.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/child_handshake.hpp"
#include "engine/runtime/child_memory.hpp"
#include "engine/runtime/container_child.hpp"
#include "engine/runtime/namespace_kinds.hpp"

namespace stack::engine::runtime {
namespace {

volatile sig_atomic_t g_command_pid = 0;
volatile sig_atomic_t g_kill_on_sigterm = 0;

void forward_signal(int signal) {
  if (g_command_pid <= 0) return;
  ::kill(g_command_pid, signal == SIGTERM && g_kill_on_sigterm ? SIGKILL : signal);
}

constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

// Installed before the fork with the signals blocked until the command's pid is known,
// so a signal that arrives at any point still reaches the command.
void forward_signals_to_command() {
  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int s : kForwarded) sigaction(s, &sa, nullptr);
}

// The helper: joins the namespaces, forks the command, passes its status on.
[[noreturn]] void helper(const ExecRequest& r, int go_fd, int error_fd) {
  try {
    wait_for_go(go_fd);
    // All opened before the first setns: after joining the mount namespace (last in
    // kNamespaceKinds) the paths of /proc/<pid>/ns are the container's.
    std::vector<UniqueFd> fds;
    const std::string base = "/proc/" + std::to_string(r.container_pid) + "/ns/";
    for (const auto& ns : kNamespaceKinds) {
      fds.emplace_back(::open((base + ns.proc_name).c_str(), O_RDONLY | O_CLOEXEC));
      if (!fds.back()) throw syscall_error("open " + base + ns.proc_name);
    }
    for (size_t i = 0; i < fds.size(); ++i)
      if (setns(fds[i].get(), kNamespaceKinds[i].clone_flag) < 0)
        throw syscall_error(std::string("join the container's ") + kNamespaceKinds[i].proc_name + " namespace");
    fds.clear();
    sigset_t forwarded, previous;
    sigemptyset(&forwarded);
    for (int s : kForwarded) sigaddset(&forwarded, s);
    sigprocmask(SIG_BLOCK, &forwarded, &previous);
    g_kill_on_sigterm = r.kill_on_sigterm;
    forward_signals_to_command();
    const pid_t child = fork();
    if (child < 0) throw syscall_error("fork into the container");
    if (child == 0) {
      for (int s : kForwarded) signal(s, SIG_DFL);
      sigprocmask(SIG_SETMASK, &previous, nullptr);
      try {
        const ChildMemory memory;  // a forked child: the mapping goes with its exec
        become_process(r.spec, r.seccomp, StdioFds{r.stdin_fd, r.stdout_fd, r.stderr_fd, r.console_socket},
                       memory.scratch());
      } catch (const std::exception& e) {
        report_failure(error_fd, e);
      }
      _exit(127);
    }
    ::close(error_fd);  // the command holds the only copy now: EOF when it execs
    g_command_pid = child;
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    _exit(base::exit_code_of(status));
  } catch (const std::exception& e) {
    report_failure(error_fd, e);
  }
  _exit(127);
}

}  // namespace

pid_t start_exec(const ExecRequest& r) {
  StartPipes pipes = open_start_pipes("create the exec pipes");
  const pid_t pid = fork();
  if (pid < 0) throw syscall_error("fork the exec helper");
  if (pid == 0) helper(r, pipes.go_read.get(), pipes.error.write.get());
  pipes.go_read.reset();
  pipes.error.write.reset();
  try {
    if (r.cgroup) r.cgroup->add_process(pid);
  } catch (...) {
    kill_and_reap(pid);
    throw;
  }
  if (::write(pipes.go_write.get(), "g", 1) != 1) {
    const int err = errno;
    kill_and_reap(pid);
    throw syscall_error("start the exec helper", err);
  }
  pipes.go_write.reset();
  if (std::optional<Error> failure = read_child_failure(pipes.error.read.get())) {
    kill_and_reap(pid);
    throw *failure;
  }
  return pid;
}

int run_exec(const ExecRequest& r) {
  const pid_t pid = start_exec(r);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return base::exit_code_of(status);
}

}  // namespace stack::engine::runtime
