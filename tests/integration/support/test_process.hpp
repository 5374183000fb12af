// A helper process of a test (a registry, a fake server): started with fork/exec, ended
// by its pid (SIGTERM, then reaped) when the owner goes.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace stack::testing {

class TestProcess {
 public:
  TestProcess() = default;
  // Runs argv[0] (a path) with stdout to `stdout_fd` (-1: /dev/null) and stderr to the
  // file `log` (empty: /dev/null).
  TestProcess(const std::vector<std::string>& argv, int stdout_fd, const std::string& log);
  ~TestProcess() { stop(); }
  TestProcess(TestProcess&& other) noexcept;
  TestProcess& operator=(TestProcess&& other) noexcept;

  pid_t pid() const { return pid_; }
  // True once the process has exited (reaps it).
  bool exited();
  // SIGTERM and wait; nothing when it is not running.
  void stop();

 private:
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
int free_loopback_port();

}  // namespace stack::testing
