#include "net/dns/launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "base/error.hpp"
#include "base/file_lock.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "net/dns/records.hpp"

extern char** environ;

namespace stack::net::dns {

namespace {

constexpr int kReadyFd = 3;
constexpr auto kStartTimeout = std::chrono::seconds(10);

pid_t pid_in_lock_file(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  return n > 0 ? static_cast<pid_t>(std::atoi(text)) : 0;
}

// Reads the server's report ("ready <pid>" or "error <message>") until EOF or timeout.
std::string read_report(int fd) {
  std::string report;
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) throw Error("stack-dns did not report ready within 10 s");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR) throw syscall_error("wait for stack-dns");
    char buffer[512];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return report;
    report.append(buffer, static_cast<size_t>(n));
  }
}

// The server detaches itself (--detach: a session of its own, nobody's child, so no
// zombie in a long-lived caller); spawning it with vfork semantics spares copying this
// process's page tables, a measurable part of an `up` on a VM.
void spawn_detached(std::vector<std::string> args, const std::string& log, int ready_write) {
  args.push_back("--detach");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // From a descriptor above kReadyFd, so that dup2 makes a copy (not close-on-exec).
  const UniqueFd ready(::fcntl(ready_write, F_DUPFD_CLOEXEC, kReadyFd + 1));
  if (!ready) throw syscall_error("duplicate the stack-dns ready pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_adddup2(&actions, ready.get(), kReadyFd);
  pid_t middle = -1;
  const int rc = posix_spawn(&middle, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot start stack-dns: cannot execute " + args[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::string server_lock_path(const std::string& run_root) { return dns_dir(run_root) + "/lock"; }
std::string lifecycle_lock_path(const std::string& run_root) { return dns_dir(run_root) + "/lifecycle.lock"; }
std::string server_log_path(const std::string& run_root) { return dns_dir(run_root) + "/stack-dns.log"; }

std::string dns_binary() {
  if (const char* env = std::getenv("STACK_DNS"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto candidate = self.parent_path() / "stack-dns";
    if (std::filesystem::exists(candidate)) return candidate.string();
  }
  return "/usr/local/libexec/stack/stack-dns";
}

DnsServerInfo ensure_dns_running(const std::string& run_root, const std::string& binary,
                                 const DnsLaunchOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(networks_dir(run_root), ec);
  if (ec) throw Error("cannot create " + networks_dir(run_root) + ": " + ec.message());
  base::FileLock lifecycle(lifecycle_lock_path(run_root), base::FileLock::Mode::Exclusive);
  const std::string lock_path = server_lock_path(run_root);
  UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!lock) throw syscall_error("open " + lock_path);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) throw syscall_error("lock " + lock_path);
    return {pid_in_lock_file(lock.get()), false};
  }
  // Free for the server; LOCK_UN (not only close) because a copy of this descriptor
  // may live on in a child another thread is forking.
  ::flock(lock.get(), LOCK_UN);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) throw syscall_error("create the stack-dns ready pipe");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  std::vector<std::string> args = {binary, "--run-root", run_root, "--ready-fd", std::to_string(kReadyFd),
                                   "--port", std::to_string(options.port)};
  if (!options.upstream_file.empty()) {
    args.push_back("--upstream-file");
    args.push_back(options.upstream_file);
  }
  spawn_detached(args, server_log_path(run_root), write_end.get());
  write_end.reset();
  const std::string report = read_report(read_end.get());
  if (report.rfind("ready ", 0) == 0) return {static_cast<pid_t>(std::atoi(report.c_str() + 6)), true};
  std::string message = report.rfind("error ", 0) == 0 ? report.substr(6) : "it exited before reporting ready";
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw Error("cannot start stack-dns: " + message, "see " + server_log_path(run_root));
}

}  // namespace stack::net::dns
