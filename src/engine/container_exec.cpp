// `stack exec`: the command joins the container through the runtime's exec helper
// (namespaces, cgroup, user, capabilities, seccomp). With a terminal, the command opens
// a new one in the container's /dev/pts and sends its master here; this process pumps
// it to and from the caller's terminal, in raw mode, with window size changes passed on.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fd_passing.hpp"
#include "base/files.hpp"
#include "base/random_id.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "base/wait_status.hpp"
#include "engine/container_events.hpp"
#include "engine/containers.hpp"
#include "engine/runtime/capabilities.hpp"
#include "engine/runtime/exec.hpp"
#include "engine/runtime/launcher.hpp"
#include "engine/terminal.hpp"

namespace stack::engine {
namespace {

void set_env(std::vector<std::string>& env, const std::string& kv) {
  const std::string key = kv.substr(0, kv.find('='));
  for (auto& e : env)
    if (e.compare(0, key.size() + 1, key + "=") == 0) {
      e = kv;
      return;
    }
  env.push_back(kv);
}

bool copy_some(int from, int to) {
  char buf[16384];
  const ssize_t n = ::read(from, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;
  return base::write_all(to, std::string_view(buf, static_cast<size_t>(n)));
}

// Pumps between the caller's terminal and the pty until the command ends.
int pump_terminal(pid_t helper, int master, bool interactive) {
  const RawTerminal raw(interactive ? 0 : -1);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGWINCH);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  UniqueFd sig(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  bool input = interactive;
  int status = 0;
  bool exited = false;
  while (true) {
    pollfd fds[3] = {{master, POLLIN, 0}, {input ? 0 : -1, POLLIN, 0}, {sig.get(), POLLIN, 0}};
    if (poll(fds, 3, exited ? 50 : -1) < 0 && errno != EINTR) break;
    if (fds[2].revents) {
      signalfd_siginfo info;
      while (::read(sig.get(), &info, sizeof info) == sizeof info) {
      }
      winsize ws{};
      if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) ioctl(master, TIOCSWINSZ, &ws);
      if (!exited && waitpid(helper, &status, WNOHANG) == helper) exited = true;
    }
    if (fds[1].revents && !copy_some(0, master)) input = false;
    if (fds[0].revents && !copy_some(master, 1)) break;  // EIO: every holder of the slave is gone
    if (exited && !(fds[0].revents & POLLIN)) break;
  }
  if (!exited) waitpid(helper, &status, 0);
  return base::exit_code_of(status);
}

}  // namespace

// Docker's exec events: exec_create and exec_start with the command line, exec_die with
// the exit code (unknown, so not recorded, for a detached command).
int Containers::exec(const std::string& id, const ExecOptions& o) {
  const ContainerView v = view(id);
  if (v.state.status == Status::Paused) throw Error("container " + id + " is paused, unpause the container before exec");
  if (v.state.status != Status::Running) throw Error("container " + id + " is not running");
  if (o.args.empty()) throw Error("no command specified for exec");
  std::string command;
  for (const std::string& arg : o.args) command += (command.empty() ? "" : " ") + arg;
  const std::map<std::string, std::string> exec_id = {{"execID", base::random_hex_id()}};
  record_container_event(layout_, v.config, "exec_create: " + command, exec_id);
  record_container_event(layout_, v.config, "exec_start: " + command, exec_id);
  const int code = exec_process(v, o);
  if (!o.detach) {
    std::map<std::string, std::string> ended = exec_id;
    ended["exitCode"] = std::to_string(code);
    record_container_event(layout_, v.config, "exec_die", ended);
  }
  return code;
}

int Containers::exec_process(const ContainerView& v, const ExecOptions& o) {
  const std::string& id = v.config.id;
  runtime::ExecRequest r;
  r.container_pid = v.state.pid;
  r.spec = spec(id);
  const runtime::Cgroup cgroup = runtime::container_cgroup(r.spec.cgroup_parent, id);
  r.cgroup = &cgroup;
  r.seccomp = runtime::seccomp_program_for(r.spec, layout_.seccomp_cache_dir());
  r.spec.process.args = o.args;
  for (const auto& kv : o.env) set_env(r.spec.process.env, kv);
  if (!o.user.empty()) r.spec.process.user = o.user;
  if (!o.workdir.empty()) r.spec.process.cwd = o.workdir;
  r.spec.process.terminal = o.tty;
  // Like docker, only the capabilities widen: the container's seccomp filter, masked paths
  // and read-only mounts stay, since they belong to the container rather than the process.
  if (o.privileged) r.spec.process.capabilities = runtime::resolve_capabilities({}, {}, true);
  if (o.tty) {
    // The command opens its terminal in the container's /dev/pts and sends us the master.
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) throw syscall_error("create the console socket");
    UniqueFd ours(pair[0]), theirs(pair[1]);
    r.console_socket = theirs.get();
    const pid_t helper = runtime::start_exec(r);
    theirs.reset();
    UniqueFd master = base::receive_fd(ours.get());
    winsize ws{};
    if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) ioctl(master.get(), TIOCSWINSZ, &ws);
    if (o.detach) return 0;
    return pump_terminal(helper, master.get(), o.interactive);
  }
  r.stdin_fd = o.interactive ? 0 : -1;
  r.stdout_fd = o.detach ? -1 : 1;
  r.stderr_fd = o.detach ? -1 : 2;
  if (o.detach) {
    runtime::start_exec(r);
    return 0;
  }
  return runtime::run_exec(r);
}

}  // namespace stack::engine
