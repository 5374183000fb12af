// Runs a piece of a test in a forked child with its own private mount namespace, so
// that its mounts (and a pivot_root) vanish with it and never reach the host. The
// child writes what it observed as "key<TAB>value" lines through a pipe; the test
// asserts on the result after the child has exited.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace stack::testing {

using Report = std::map<std::string, std::string>;

namespace detail {

inline void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] inline void child_main(int out, const std::function<void(Report&)>& body) {
  Report report;
  try {
    if (unshare(CLONE_NEWNS) != 0) throw std::runtime_error(std::string("unshare: ") + strerror(errno));
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      throw std::runtime_error(std::string("make / private: ") + strerror(errno));
    body(report);
  } catch (const std::exception& e) {
    report["error"] = e.what();
  }
  std::string text;
  for (auto& [key, value] : report) {
    std::string flat = value;
    for (char& c : flat)
      if (c == '\n' || c == '\t') c = ' ';
    text += key + "\t" + flat + "\n";
  }
  write_all(out, text);
  _exit(0);
}

inline Report parse(const std::string& text) {
  Report report;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    size_t tab = line.find('\t');
    if (tab != std::string::npos) report[line.substr(0, tab)] = line.substr(tab + 1);
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return report;
}

}  // namespace detail

// Forks, runs `body` in the child's new private mount namespace, and returns its report
// (an exception in the child becomes report["error"]). A child that outlives the
// deadline is killed and reported as report["error"] = "timeout".
inline Report run_in_mount_namespace(const std::function<void(Report&)>& body,
                                     std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    close(fds[0]);
    detail::child_main(fds[1], body);
  }
  close(fds[1]);
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::string text;
  bool timed_out = false;
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (!timed_out) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= until) timed_out = true;
    poll(nullptr, 0, 10);  // the child has closed its pipe: it is exiting right now
  }
  if (timed_out) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  Report report = detail::parse(text);
  if (timed_out) report["error"] = "timeout";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) report["exit"] = "abnormal";
  return report;
}

// Lines of the host's mount table (this process's namespace) that mention `dir`.
inline std::vector<std::string> mounts_mentioning(const std::string& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> found;
  for (std::string line; std::getline(in, line);)
    if (line.find(dir) != std::string::npos) found.push_back(line);
  return found;
}

}  // namespace stack::testing

// Failed checks print the whole report, one "key: value" per line.
template <>
struct Catch::StringMaker<stack::testing::Report> {
  static std::string convert(const stack::testing::Report& report) {
    std::string out = "{\n";
    for (const auto& [key, value] : report) out += "  " + key + ": " + value + "\n";
    return out + "}";
  }
};
