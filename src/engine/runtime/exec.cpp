#include "engine/runtime/exec.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/syscall_error.hpp"
#include "base/wait_status.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/container_child.hpp"

namespace stack::engine::runtime {
namespace {

// Namespaces in the order they are joined: mount last, since after it the paths of
// /proc/<pid>/ns are the container's.
constexpr struct {
  const char* name;
  int type;
} kNamespaces[] = {{"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
                   {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}};

void report(int fd, const std::exception& e) {
  std::string message = e.what();
  if (const auto* err = dynamic_cast<const Error*>(&e); err && !err->hint().empty()) message += "\n" + err->hint();
  ssize_t unused = ::write(fd, message.data(), message.size());
  (void)unused;
}

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
    char byte;
    if (::read(go_fd, &byte, 1) != 1) _exit(127);
    std::vector<UniqueFd> fds;
    const std::string base = "/proc/" + std::to_string(r.container_pid) + "/ns/";
    for (const auto& ns : kNamespaces) {
      fds.emplace_back(::open((base + ns.name).c_str(), O_RDONLY | O_CLOEXEC));
      if (!fds.back()) throw syscall_error("open " + base + ns.name);
    }
    for (size_t i = 0; i < fds.size(); ++i)
      if (setns(fds[i].get(), kNamespaces[i].type) < 0) throw syscall_error(std::string("join the container's ") + kNamespaces[i].name + " namespace");
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
        become_process(r.spec, r.seccomp, StdioFds{r.stdin_fd, r.stdout_fd, r.stderr_fd, r.console_socket});
      } catch (const std::exception& e) {
        report(error_fd, e);
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
    report(error_fd, e);
  }
  _exit(127);
}

}  // namespace

pid_t start_exec(const ExecRequest& r) {
  int go[2], err[2];
  if (pipe2(go, O_CLOEXEC) < 0) throw syscall_error("create the exec pipes");
  if (pipe2(err, O_CLOEXEC) < 0) {
    ::close(go[0]);
    ::close(go[1]);
    throw syscall_error("create the exec pipes");
  }
  UniqueFd go_read(go[0]), go_write(go[1]), err_read(err[0]), err_write(err[1]);
  const pid_t pid = fork();
  if (pid < 0) throw syscall_error("fork the exec helper");
  if (pid == 0) helper(r, go_read.get(), err_write.get());
  go_read.reset();
  err_write.reset();
  auto abandon = [&] {
    ::kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  };
  try {
    if (r.cgroup) {
      Cgroup cgroup = *r.cgroup;  // a handle: same directories
      cgroup.add_process(pid);
    }
  } catch (...) {
    abandon();
    throw;
  }
  if (::write(go_write.get(), "g", 1) != 1) {
    abandon();
    throw syscall_error("start the exec helper");
  }
  go_write.reset();
  std::string failure;
  char buf[1024];
  ssize_t n;
  while ((n = ::read(err_read.get(), buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) failure.append(buf, n);
  if (!failure.empty()) {
    abandon();
    const size_t nl = failure.find('\n');
    if (nl == std::string::npos) throw Error(failure);
    throw Error(failure.substr(0, nl), failure.substr(nl + 1));
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
