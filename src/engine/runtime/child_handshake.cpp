#include "engine/runtime/child_handshake.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/files.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {

ErrorPipe open_error_pipe(const std::string& what) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) throw syscall_error(what);
  return ErrorPipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

StartPipes open_start_pipes(const std::string& what) {
  int go[2];
  if (pipe2(go, O_CLOEXEC) < 0) throw syscall_error(what);
  StartPipes p{UniqueFd(go[0]), UniqueFd(go[1]), {}};
  p.error = open_error_pipe(what);  // on failure p closes the go pipe
  return p;
}

void wait_for_go(int fd) {
  char byte = 0;
  ssize_t n;
  do n = ::read(fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(127);
}

void report_failure(int fd, const std::exception& e) {
  std::string message = e.what();
  if (const auto* err = dynamic_cast<const Error*>(&e); err && !err->hint().empty()) message += "\n" + err->hint();
  (void)base::write_all(fd, message);
}

std::optional<Error> read_child_failure(int fd) {
  std::string failure;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    failure.append(buf, static_cast<size_t>(n));
  }
  if (failure.empty()) return std::nullopt;
  const size_t nl = failure.find('\n');
  if (nl == std::string::npos) return Error(failure);
  return Error(failure.substr(0, nl), failure.substr(nl + 1));
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace stack::engine::runtime
