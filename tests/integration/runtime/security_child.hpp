// Runs a test body in a forked child and collects what it wrote to a pipe, for tests
// that change the process irreversibly (capabilities, seccomp filters, uids). The
// child never returns into Catch: exceptions become an "error: ..." line and exit 100.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

namespace stack::testing {

struct ChildResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;
};

// Writes all of `text` to `fd` (the child's end of the pipe).
inline void send(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// `body(fd)` runs in the child and returns its exit code. The parent reads until EOF
// or the deadline (then kills the child it started) and reaps it.
template <class Body>
ChildResult run_in_child(Body&& body, std::chrono::seconds deadline = std::chrono::seconds(20)) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    int code = 100;
    try {
      code = body(fds[1]);
    } catch (const std::exception& e) {
      send(fds[1], std::string("error: ") + e.what() + "\n");
    }
    _exit(code);
  }
  close(fds[1]);
  ChildResult result;
  auto until = std::chrono::steady_clock::now() + deadline;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) == 0) {
      kill(pid, SIGKILL);
      result.output += "\n(timed out)";
      break;
    }
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace stack::testing
