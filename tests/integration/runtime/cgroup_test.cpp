// Container cgroups on the real kernel of this host (v1 controllers, hybrid). Every
// cgroup lives below "stack-test-<pid>" and is removed by RAII guards even when a
// check fails; every child process is killed and reaped by its guard.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "base/error.hpp"
#include "engine/runtime/cgroup.hpp"

using namespace stack::engine::runtime;

namespace {

const std::string kRoot = "/sys/fs/cgroup";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  std::string s = out.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> mounted_controllers() {
  std::vector<std::string> out;
  for (const auto& c : v1_controllers()) {
    if (exists(kRoot + "/" + c)) out.push_back(c);
  }
  return out;
}

// "stack-test-<pid>" in every controller: made by the first create() below it,
// removed here at the end of each test.
struct TestParent {
  std::string name = "stack-test-" + std::to_string(::getpid());
  ~TestParent() {
    for (const auto& c : mounted_controllers()) ::rmdir((kRoot + "/" + c + "/" + name).c_str());
  }
};

// A cgroup removed at the end of the test whatever happened.
struct ScopedCgroup {
  Cgroup cgroup;
  explicit ScopedCgroup(const std::string& relative) : cgroup(detect_cgroup_mode(kRoot), kRoot, relative) {}
  ~ScopedCgroup() {
    try {
      cgroup.remove();
    } catch (const std::exception&) {
    }
  }
};

// A forked child running `body(from_parent, to_parent)`, which usually starts by
// waiting for a byte so the test can put it in a cgroup first.
class Child {
 public:
  using Body = std::function<int(int from_parent, int to_parent)>;
  explicit Child(const Body& body) {
    int down[2], up[2];
    REQUIRE(::pipe2(down, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(up, O_CLOEXEC) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(down[1]);
      ::close(up[0]);
      ::_exit(body(down[0], up[1]));
    }
    ::close(down[0]);
    ::close(up[1]);
    to_child_ = down[1];
    from_child_ = up[0];
  }
  ~Child() {
    if (to_child_ >= 0) ::close(to_child_);
    ::close(from_child_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  void send() { REQUIRE(::write(to_child_, "x", 1) == 1); }
  void close_input() {
    ::close(to_child_);
    to_child_ = -1;
  }
  // One byte from the child, within 10 s.
  int receive() {
    struct pollfd p = {from_child_, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 10000) == 1);
    unsigned char c;
    REQUIRE(::read(from_child_, &c, 1) == 1);
    return c;
  }
  // The wait status, within 10 s.
  int wait() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    for (;;) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      REQUIRE(r >= 0);
      if (r == pid_) break;
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
};

int wait_byte(int fd) {
  char c;
  return ::read(fd, &c, 1) == 1 ? 0 : 1;
}

// Touches `bytes` of fresh anonymous memory so the cgroup is charged for it.
void touch_memory(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) ::_exit(2);
  for (size_t i = 0; i < bytes; i += 4096) static_cast<char*>(p)[i] = 1;
}

// A whole disk of this host ("254:0"): an entry of /sys/block backed by a device
// (loop and zram devices have none). Throttling takes whole disks, not partitions.
std::optional<ThrottleDevice> a_disk() {
  for (const auto& entry : std::filesystem::directory_iterator("/sys/block")) {
    if (!exists(entry.path().string() + "/device")) continue;
    ThrottleDevice d;
    char colon;
    std::istringstream(read_text(entry.path().string() + "/dev")) >> d.major >> colon >> d.minor;
    return d;
  }
  return std::nullopt;
}

// The mode by another route than the cgroup code: the filesystem types in mountinfo.
CgroupMode mode_from_mountinfo() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  bool root_v2 = false, unified_v2 = false;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, dev, root, mountpoint, field;
    f >> id >> parent >> dev >> root >> mountpoint;
    while (f >> field && field != "-") {
    }
    std::string type;
    f >> type;
    if (type != "cgroup2") continue;
    root_v2 = root_v2 || mountpoint == kRoot;
    unified_v2 = unified_v2 || mountpoint == kRoot + "/unified";
  }
  if (root_v2) return CgroupMode::V2;
  return unified_v2 ? CgroupMode::Hybrid : CgroupMode::V1;
}

}  // namespace

TEST_CASE("the host's cgroup mode is detected as mountinfo says", "[cgroup]") {
  CHECK(detect_cgroup_mode(kRoot) == mode_from_mountinfo());
}

// The tests below read v1 files: this host has v1 controllers (hybrid).
TEST_CASE("create writes limits the kernel reads back, remove leaves no directory", "[cgroup]") {
  REQUIRE(detect_cgroup_mode(kRoot) != CgroupMode::V2);
  TestParent parent;
  std::string relative = parent.name + "/limits";
  ScopedCgroup scoped(relative);
  Cgroup& cg = scoped.cgroup;
  Resources r;
  r.memory_limit = 64 << 20;
  r.memory_swap = 64 << 20;
  r.cpu_shares = 512;
  r.cpu_quota = 50000;
  r.cpu_period = 100000;
  r.pids_limit = 5;
  r.blkio_weight = 300;
  auto disk = a_disk();
  if (disk) {
    disk->rate = 1048576;
    r.blkio_read_bps = {*disk};
  }
  cg.create(r);
  CHECK(read_text(cg.path("memory") + "/memory.limit_in_bytes") == "67108864");
  CHECK(read_text(cg.path("memory") + "/memory.memsw.limit_in_bytes") == "67108864");
  CHECK(read_text(cg.path("cpu") + "/cpu.shares") == "512");
  CHECK(read_text(cg.path("cpu") + "/cpu.cfs_quota_us") == "50000");
  CHECK(read_text(cg.path("cpu") + "/cpu.cfs_period_us") == "100000");
  CHECK(read_text(cg.path("pids") + "/pids.max") == "5");
  CHECK(read_text(cg.path("cpuset") + "/cpuset.cpus") == read_text(kRoot + "/cpuset/cpuset.cpus"));
  CHECK(read_text(cg.path("cpuset") + "/cpuset.mems") == read_text(kRoot + "/cpuset/cpuset.mems"));
  if (exists(cg.path("blkio") + "/blkio.bfq.weight")) {
    CHECK(read_text(cg.path("blkio") + "/blkio.bfq.weight") == "300");
  }
  if (disk) {
    std::string dev = std::to_string(disk->major) + ":" + std::to_string(disk->minor);
    CHECK(read_text(cg.path("blkio") + "/blkio.throttle.read_bps_device") == dev + " 1048576");
  }

  cg.remove();
  for (const auto& c : mounted_controllers()) {
    CAPTURE(c);
    CHECK_FALSE(exists(cg.path(c)));
  }
  CHECK_NOTHROW(cg.remove());
  for (const auto& c : mounted_controllers()) REQUIRE(::rmdir((kRoot + "/" + c + "/" + parent.name).c_str()) == 0);
  for (const auto& c : mounted_controllers()) CHECK_FALSE(exists(kRoot + "/" + c + "/" + parent.name));
}

TEST_CASE("an added process is listed by pids() and in its /proc/<pid>/cgroup, its memory is counted",
          "[cgroup]") {
  TestParent parent;
  std::string relative = parent.name + "/member";
  ScopedCgroup scoped(relative);
  Cgroup& cg = scoped.cgroup;
  cg.create({});
  Child child([](int in, int out) {
    if (wait_byte(in)) return 1;
    touch_memory(8 << 20);
    if (::write(out, "y", 1) != 1) return 1;
    return wait_byte(in);
  });
  cg.add_process(child.pid());
  CHECK(cg.pids() == std::vector<pid_t>{child.pid()});
  std::string membership = read_text("/proc/" + std::to_string(child.pid()) + "/cgroup");
  for (const char* c : {"memory", "pids", "freezer", "cpuset", "blkio", "devices"}) {
    CAPTURE(c, membership);
    CHECK(membership.find(std::string(":") + c + ":/" + relative + "\n") != std::string::npos);
  }
  child.send();
  CHECK(child.receive() == 'y');
  CHECK(cg.memory_usage() >= (8u << 20));
  child.send();
  CHECK(child.wait() == 0);
  cg.remove();  // right after the exit: remove() waits for the kernel to let go
  CHECK_FALSE(exists(cg.path("memory")));
}

TEST_CASE("a process allocating past the memory limit is OOM-killed and oom_killed() says so", "[cgroup]") {
  TestParent parent;
  ScopedCgroup scoped(parent.name + "/oom");
  Cgroup& cg = scoped.cgroup;
  Resources r;
  r.memory_limit = 32 << 20;
  r.memory_swap = 32 << 20;  // no swap to escape into
  cg.create(r);
  Child child([](int in, int) {
    if (wait_byte(in)) return 1;
    touch_memory(64 << 20);
    return 0;
  });
  cg.add_process(child.pid());
  CHECK_FALSE(cg.oom_killed());
  child.send();
  int status = child.wait();
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  CHECK(cg.oom_killed());
}

TEST_CASE("a pids limit of 5 makes the fifth fork in the cgroup fail with EAGAIN", "[cgroup]") {
  TestParent parent;
  ScopedCgroup scoped(parent.name + "/pids");
  Cgroup& cg = scoped.cgroup;
  Resources r;
  r.pids_limit = 5;
  cg.create(r);
  // The child forks until the kernel refuses, reports (forks made, errno), then reaps
  // its children, which leave when the test closes the pipe they wait on.
  Child child([](int in, int out) {
    if (wait_byte(in)) return 1;
    unsigned char report[2] = {0, 0};
    for (int i = 0; i < 10; ++i) {
      pid_t p = ::fork();
      if (p == 0) {
        wait_byte(in);  // returns at EOF, once the test closes the pipe
        ::_exit(0);
      }
      if (p < 0) {
        report[1] = static_cast<unsigned char>(errno);
        break;
      }
      ++report[0];
    }
    if (::write(out, report, 2) != 2) return 1;
    while (::wait(nullptr) > 0) {
    }
    return 0;
  });
  cg.add_process(child.pid());
  child.send();
  int forks = child.receive();
  int error = child.receive();
  child.close_input();
  CHECK(child.wait() == 0);
  CHECK(forks == 4);  // the child itself is the first of the 5
  CHECK(error == EAGAIN);
}

TEST_CASE("freeze stops the processes of the cgroup and thaw lets them run again", "[cgroup]") {
  TestParent parent;
  ScopedCgroup scoped(parent.name + "/freezer");
  Cgroup& cg = scoped.cgroup;
  cg.create({});
  Child child([](int in, int out) {
    if (wait_byte(in)) return 1;
    return ::write(out, "z", 1) == 1 ? 0 : 1;
  });
  cg.add_process(child.pid());
  cg.freeze();
  CHECK(cg.frozen());
  CHECK(read_text(cg.path("freezer") + "/freezer.state") == "FROZEN");
  child.send();  // waits in the pipe until the child runs again
  cg.thaw();
  CHECK_FALSE(cg.frozen());
  CHECK(read_text(cg.path("freezer") + "/freezer.state") == "THAWED");
  CHECK(child.receive() == 'z');
  CHECK(child.wait() == 0);
}

TEST_CASE("a limit the kernel refuses names the file and value, and create leaves nothing behind", "[cgroup]") {
  TestParent parent;
  ScopedCgroup scoped(parent.name + "/refused");
  Cgroup& cg = scoped.cgroup;
  Resources r;
  r.memory_limit = 64 << 20;
  r.cpuset_cpus = "999";
  REQUIRE_THROWS_WITH(cg.create(r), "write " + cg.path("cpuset") + "/cpuset.cpus \"999\": Numerical result out of range");
  for (const auto& c : mounted_controllers()) {
    CAPTURE(c);
    CHECK_FALSE(exists(kRoot + "/" + c + "/" + parent.name));  // the parent was made by this create too
  }
}

TEST_CASE("remove of a cgroup that still has a process reports every controller", "[cgroup]") {
  TestParent parent;
  std::string relative = parent.name + "/busy";
  ScopedCgroup scoped(relative);
  Cgroup& cg = scoped.cgroup;
  cg.create({});
  Child child([](int in, int) { return wait_byte(in); });
  cg.add_process(child.pid());
  std::string message;
  try {
    cg.remove();
  } catch (const stack::Error& e) {
    message = e.what();
  }
  for (const auto& c : mounted_controllers()) {
    if (c == "cpuacct" && exists(kRoot + "/cpu,cpuacct")) continue;  // same hierarchy as cpu
    CAPTURE(c, message);
    CHECK(message.find("rmdir " + cg.path(c) + ": Device or resource busy") != std::string::npos);
  }
  CHECK(message.rfind("remove cgroup " + relative + ": ", 0) == 0);
  child.send();
  CHECK(child.wait() == 0);
  cg.remove();
  CHECK_FALSE(exists(cg.path("memory")));
}
