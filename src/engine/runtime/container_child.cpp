#include "engine/runtime/container_child.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>

#include "base/fd_passing.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/capabilities.hpp"
#include "engine/runtime/cgroup_fs.hpp"
#include "engine/runtime/child_handshake.hpp"
#include "engine/runtime/rootfs.hpp"
#include "engine/runtime/users.hpp"

namespace stack::engine::runtime {
namespace {

constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

void set_names(const Spec& spec) {
  if (!spec.hostname.empty() && sethostname(spec.hostname.data(), spec.hostname.size()) < 0)
    throw syscall_error("set hostname \"" + spec.hostname + "\"");
  if (!spec.domainname.empty() && setdomainname(spec.domainname.data(), spec.domainname.size()) < 0)
    throw syscall_error("set domainname \"" + spec.domainname + "\"");
}

void write_sysctls(const std::map<std::string, std::string>& sysctls) {
  for (const auto& [key, value] : sysctls) {
    std::string path = "/proc/sys/" + key;
    for (size_t i = 10; i < path.size(); ++i)
      if (path[i] == '.') path[i] = '/';
    try {
      cgroupfs::write_value(path, value);
    } catch (const Error& e) {
      throw e.wrap("sysctl " + key + "=" + value);
    }
  }
}

int rlimit_resource(const std::string& name) {
  static const std::map<std::string, int> kNames = {
      {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
      {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
      {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
      {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
      {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
      {"stack", RLIMIT_STACK}};
  auto it = kNames.find(name);
  if (it == kNames.end()) throw Error("ulimit " + name + ": unknown limit");
  return it->second;
}

// Without CAP_SYS_RESOURCE (this host has none) a hard limit cannot be raised: say so.
void apply_rlimits(const std::vector<Rlimit>& limits) {
  for (const Rlimit& l : limits) {
    const int resource = rlimit_resource(l.type);
    if (l.soft > l.hard)
      throw Error("ulimit " + l.type + ": soft limit " + std::to_string(l.soft) + " is above hard limit " +
                  std::to_string(l.hard));
    rlimit current{};
    getrlimit(resource, &current);
    rlimit wanted{l.soft, l.hard};
    if (setrlimit(resource, &wanted) == 0) continue;
    int err = errno;
    if (err == EPERM && l.hard > current.rlim_max)
      throw Error("ulimit " + l.type + ": hard limit " + std::to_string(l.hard) + " is above this host's limit " +
                      std::to_string(current.rlim_max),
                  "raising a hard limit needs CAP_SYS_RESOURCE, which this host does not grant; use at most " +
                      std::to_string(current.rlim_max));
    throw syscall_error("ulimit " + l.type + "=" + std::to_string(l.soft) + ":" + std::to_string(l.hard), err);
  }
}

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& kv : env)
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=')
      return kv.substr(key.size() + 1);
  return {};
}

bool has_key(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& kv : env)
    if (kv.compare(0, key.size() + 1, key + "=") == 0) return true;
  return false;
}

// fds 0-2 from the options; every other fd closes on exec (the error pipe included).
void setup_stdio(const StdioFds& o) {
  int wanted[3] = {o.in, o.out, o.err};
  int moved[3];
  for (int i = 0; i < 3; ++i) {
    if (wanted[i] < 0) {
      moved[i] = i == 0 ? ::open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
      if (i == 0 && moved[i] < 0) throw syscall_error("open /dev/null for stdin");
    } else {
      moved[i] = fcntl(wanted[i], F_DUPFD_CLOEXEC, 10);  // out of 0-2 first, so dup2 cannot clobber
      if (moved[i] < 0) throw syscall_error("duplicate stdio fd " + std::to_string(wanted[i]));
    }
  }
  for (int i = 0; i < 3; ++i)
    if (moved[i] >= 0 && dup2(moved[i], i) < 0) throw syscall_error("dup2 stdio");
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
}

// A new network namespace starts with its loopback down; `network_mode: none` still
// means a working 127.0.0.1.
void bring_up_loopback() {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) throw syscall_error("open a socket to bring up the loopback interface");
  struct ifreq req {};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(sock.get(), SIOCGIFFLAGS, &req) < 0) throw syscall_error("read the flags of the loopback interface");
  req.ifr_flags |= IFF_UP;
  if (ioctl(sock.get(), SIOCSIFFLAGS, &req) < 0) throw syscall_error("bring up the loopback interface");
}

// Blocked and ignored signals survive execve: the command must not inherit the
// supervisor's (the shim blocks SIGTERM and SIGCHLD, ignores SIGPIPE).
void reset_signals() {
  for (int s = 1; s < NSIG; ++s) signal(s, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

// A terminal process leads its own session with the pty on stdin as its controlling
// terminal, so ^C, job control and SIGWINCH reach it.
void become_terminal_owner() {
  if (setsid() < 0) throw syscall_error("start a session for the terminal");
  if (ioctl(0, TIOCSCTTY, 0) < 0) throw syscall_error("make the pty the controlling terminal");
}

Error exec_error(const std::string& name, int err) {
  if (err == ENOENT) return Error("exec: \"" + name + "\": no such file or directory");
  if (err == EACCES) return Error("exec: \"" + name + "\": permission denied");
  if (err == ENOEXEC) return Error("exec: \"" + name + "\": exec format error");
  return syscall_error("exec: \"" + name + "\"", err);
}

void run_steps(const ChildContext& c) {
  const Spec& spec = *c.spec;
  c.cgroup->add_process(0);
  if (spec.process.oom_score_adj)
    cgroupfs::write_value("/proc/self/oom_score_adj", std::to_string(*spec.process.oom_score_adj));
  for (auto [fd, type] : c.join)
    if (setns(fd, type) < 0) throw syscall_error("join namespace (fd " + std::to_string(fd) + ")");
  if (c.new_cgroup_namespace && unshare(CLONE_NEWCGROUP) < 0) throw syscall_error("new cgroup namespace");
  if (c.new_network_namespace) bring_up_loopback();
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) throw syscall_error("make / private");
  mount_rootfs(spec.root, c.options->rootfs);
  setup_rootfs(spec, c.options->rootfs);
  set_names(spec);
  write_sysctls(spec.sysctl);
  finish_rootfs(spec);
  apply_rlimits(spec.process.rlimits);
  become_process(spec, *c.seccomp,
                 StdioFds{c.options->stdin_fd, c.options->stdout_fd, c.options->stderr_fd, c.options->console_socket},
                 c.scratch);
}

}  // namespace

// The terminal of a `tty: true` process comes from the container's own devpts (so
// ttyname() and `tty` name it, as in Docker): opened here, its master sent to the
// supervisor, its peer made stdin/stdout/stderr and owned by the process's user.
StdioFds open_container_terminal(const StdioFds& stdio, uid_t uid) {
  UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) throw syscall_error("open the container's /dev/ptmx");
  int unlock = 0;
  if (ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) throw syscall_error("unlock the container's terminal");
  const int peer = ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) throw syscall_error("open the container's terminal");
  if (fchown(peer, uid, static_cast<gid_t>(-1)) < 0) throw syscall_error("give the terminal to its user");
  base::send_fd(stdio.console_socket, master.get());
  return StdioFds{peer, peer, peer, -1};
}

namespace {

// become_process up to the exec image: every heap object made here is gone on return.
ExecImage prepare_process(const Spec& spec, const StdioFds& given_stdio, ExecScratch scratch) {
  const ResolvedUser user = resolve_user(spec.process.user, spec.process.group_add, "/etc");
  const StdioFds stdio = spec.process.terminal && given_stdio.console_socket >= 0
                             ? open_container_terminal(given_stdio, user.uid)
                             : given_stdio;
  prepare_capabilities_for_setuid();  // keep the permitted set across setuid for apply_capabilities
  switch_user(user);
  apply_capabilities(spec.process.capabilities, user.uid == 0);
  if (spec.process.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    throw syscall_error("set no_new_privs");
  const std::string cwd = spec.process.cwd.empty() ? "/" : spec.process.cwd;
  if (chdir(cwd.c_str()) < 0)
    throw syscall_error("chdir to cwd (\"" + cwd + "\") set in the container spec failed");
  const std::vector<std::string> env = process_environment(spec, user.home);
  if (spec.process.args.empty()) throw Error("no command specified");
  const std::string path = find_executable(spec.process.args[0], env);
  setup_stdio(stdio);
  if (spec.process.terminal) become_terminal_owner();
  reset_signals();
  return pack_exec_image(path, spec.process.args, env, scratch);
}

}  // namespace

void become_process(const Spec& spec, const SeccompProgram& seccomp, const StdioFds& stdio, ExecScratch scratch) {
  const ExecImage image = prepare_process(spec, stdio, scratch);
  if (!seccomp.empty()) load_seccomp_program(seccomp);
  execve(image.path, image.argv, image.envp);
  throw exec_error(image.argv[0], errno);
}

std::vector<std::string> process_environment(const Spec& spec, const std::string& home) {
  std::vector<std::string> env = spec.process.env;
  if (!has_key(env, "PATH")) env.insert(env.begin(), kDefaultPath);
  if (!has_key(env, "HOSTNAME") && !spec.hostname.empty()) env.push_back("HOSTNAME=" + spec.hostname);
  if (!has_key(env, "HOME")) env.push_back("HOME=" + (home.empty() ? std::string("/") : home));
  return env;
}

std::string find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) {
    struct stat st {};
    if (stat(name.c_str(), &st) < 0) throw exec_error(name, errno);
    if (S_ISDIR(st.st_mode)) throw Error("exec: \"" + name + "\": is a directory");
    return name;
  }
  std::string path = env_value(env, "PATH");
  size_t start = 0;
  bool denied = false;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
      denied = true;
    }
    start = end + 1;
  }
  if (denied) throw Error("exec: \"" + name + "\": permission denied");
  throw Error("exec: \"" + name + "\": executable file not found in $PATH");
}

void run_container_child(const ChildContext& c) noexcept {
  try {
    run_steps(c);
  } catch (const std::exception& e) {
    report_failure(c.error_fd, e);
  } catch (...) {
    report_failure(c.error_fd, Error("container init: unknown failure"));
  }
  _exit(127);
}

}  // namespace stack::engine::runtime
