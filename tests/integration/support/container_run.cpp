#include "support/container_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/runtime/capabilities.hpp"

namespace stack::testing {
namespace {

namespace fs = std::filesystem;
using namespace engine::runtime;

std::string next_id() {
  static std::atomic<int> counter{0};
  return "c" + std::to_string(++counter);
}

// Removes this process's cgroup parents when the test binary exits.
struct ParentCleanup {
  std::string name = "stack-test-" + std::to_string(getpid());
  ~ParentCleanup() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup", ec)) {
      fs::path dir = entry.path() / name;
      if (fs::exists(dir, ec)) ::rmdir(dir.c_str());
    }
  }
};

int wait_exit(pid_t pid, RunResult& r) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return status;
}

}  // namespace

const std::string& test_cgroup_parent() {
  static ParentCleanup cleanup;
  return cleanup.name;
}

Spec busybox_spec(const BusyboxRootfs& fs, std::vector<std::string> args) {
  Spec s;
  s.process.args = std::move(args);
  s.process.env = {"PATH=/bin"};
  s.process.capabilities = default_capabilities();
  s.root.lower_dirs = {fs.dir()};
  const std::string id = next_id();
  s.root.upper_dir = fs.scratch("upper-" + id);
  s.root.work_dir = fs.scratch("work-" + id);
  s.hostname = id;
  for (const char* ns : {"mount", "uts", "ipc", "pid", "network", "cgroup"}) s.namespaces.push_back({ns, ""});
  s.cgroup_parent = test_cgroup_parent();
  return s;
}

static StartOptions options_for(const Spec& spec, const BusyboxRootfs& fs) {
  StartOptions o;
  o.id = spec.hostname.empty() ? next_id() : spec.hostname + "-" + next_id();
  o.rootfs = fs.scratch("rootfs-" + o.id);
  o.seccomp_cache_dir = fs.scratch("seccomp-cache");
  return o;
}

RunResult run_container(const Spec& spec, const BusyboxRootfs& fs, int timeout_s) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) < 0) throw std::runtime_error("pipe");
  StartOptions o = options_for(spec, fs);
  o.stdout_fd = out[1];
  o.stderr_fd = out[1];
  StartedContainer c;
  try {
    c = start_container(spec, o);
  } catch (...) {
    ::close(out[0]);
    ::close(out[1]);
    throw;
  }
  ::close(out[1]);
  RunResult r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{out[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) == 0) {
      ::kill(c.pid, SIGKILL);  // over time: end it; the test sees the signal
      break;
    }
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    r.output.append(buf, n);
  }
  ::close(out[0]);
  wait_exit(c.pid, r);
  r.oom_killed = c.cgroup.oom_killed();
  c.cgroup.remove();
  if (!host_mounts_under(fs.base()).empty()) throw std::runtime_error("mounts of the container left on the host");
  return r;
}

StartedContainer start_background(const Spec& spec, const BusyboxRootfs& fs) {
  StartOptions o = options_for(spec, fs);
  return start_container(spec, o);
}

void stop_background(StartedContainer& c) {
  ::kill(c.pid, SIGKILL);
  RunResult r;
  wait_exit(c.pid, r);
  c.cgroup.remove();
}

std::vector<std::string> host_mounts_under(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (line.find(path) != std::string::npos) out.push_back(line);
  return out;
}

}  // namespace stack::testing
