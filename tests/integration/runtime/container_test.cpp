// A container started by the runtime, checked from inside (what the process sees)
// and from outside (its cgroup, what is left behind).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.hpp"
#include "engine/runtime/capabilities.hpp"
#include "engine/runtime/exec.hpp"
#include "engine/runtime/seccomp.hpp"
#include "support/busybox_rootfs.hpp"
#include "support/container_run.hpp"

using namespace stack::engine::runtime;
using namespace stack::testing;

namespace {

RunResult sh(const BusyboxRootfs& fs, const std::string& script, Spec* base = nullptr) {
  Spec spec = base ? *base : busybox_spec(fs, {});
  spec.process.args = {"sh", "-c", script};
  return run_container(spec, fs);
}

std::string cap_mask(const std::vector<std::string>& caps) {
  uint64_t mask = 0;
  for (const auto& c : caps) mask |= uint64_t{1} << capability_number(c);
  char buf[32];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(mask));
  return buf;
}

}  // namespace

TEST_CASE("the container's command is PID 1 and host processes are invisible", "[container]") {
  BusyboxRootfs fs;
  RunResult r = sh(fs, "echo pid=$$; ls /proc | grep -c '^[0-9]'");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::StartsWith("pid=1\n"));
  int visible = std::stoi(r.output.substr(r.output.find('\n') + 1));
  CHECK(visible <= 4);  // sh, ls, grep (and nothing of the host)
}

TEST_CASE("the container has its hostname and domainname", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {});
  spec.hostname = "web";
  spec.domainname = "example.test";
  RunResult r = sh(fs, "hostname; cat /proc/sys/kernel/domainname; echo $HOSTNAME", &spec);
  CHECK(r.output == "web\nexample.test\nweb\n");
}

TEST_CASE("masked /proc files read empty and /proc/sys is read-only", "[container]") {
  BusyboxRootfs fs;
  // /proc/kcore is masked too when the kernel has it; this one does not.
  RunResult r = sh(fs,
                   "wc -c < /proc/keys; wc -c < /proc/timer_list; "
                   "echo 1 2>/dev/null > /proc/sys/vm/overcommit_memory && echo writable || echo read-only");
  CHECK(r.output == "0\n0\nread-only\n");
}

TEST_CASE("CapEff is Docker's default set, changed by cap_add and cap_drop", "[container]") {
  BusyboxRootfs fs;
  RunResult r = sh(fs, "grep CapEff /proc/self/status");
  CHECK(r.output == "CapEff:\t" + cap_mask(default_capabilities()) + "\n");
  Spec spec = busybox_spec(fs, {});
  spec.process.capabilities = resolve_capabilities({"NET_ADMIN"}, {"CHOWN"}, false);
  r = sh(fs, "grep CapEff /proc/self/status", &spec);
  CHECK(r.output == "CapEff:\t" + cap_mask(spec.process.capabilities) + "\n");
}

TEST_CASE("a privileged container has every capability of the host", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {});
  spec.privileged = true;
  spec.process.capabilities = resolve_capabilities({}, {}, true);
  RunResult r = sh(fs, "grep CapEff /proc/self/status; grep Seccomp: /proc/self/status", &spec);
  CHECK(r.output == "CapEff:\t" + cap_mask(host_capabilities()) + "\nSeccomp:\t0\n");
}

TEST_CASE("seccomp filters the container and refuses unshare, mount and keyctl", "[container]") {
  BusyboxRootfs fs;
  RunResult r = sh(fs,
                   "grep Seccomp: /proc/self/status; "
                   "unshare -m true 2>/dev/null && echo unshare-ok || echo unshare-refused; "
                   "mount -t tmpfs none /mnt 2>/dev/null && echo mount-ok || echo mount-refused");
  CHECK(r.output == "Seccomp:\t2\nunshare-refused\nmount-refused\n");
}

TEST_CASE("the process runs as the user and groups the image defines", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {});
  spec.process.user = "tester";
  spec.process.group_add = {"nogroup"};
  RunResult r = sh(fs, "id -u; id -g; id -G; echo $HOME; grep CapEff /proc/self/status", &spec);
  CHECK(r.output == "1000\n1000\n1000 29 65534\n/home/tester\nCapEff:\t0000000000000000\n");
}

TEST_CASE("ulimits are applied and one above the host's hard limit is a clear error", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {});
  spec.process.rlimits = {{"nofile", 512, 1024}};
  RunResult r = sh(fs, "ulimit -n; ulimit -Hn", &spec);
  CHECK(r.output == "512\n1024\n");
  rlimit host{};
  getrlimit(RLIMIT_NOFILE, &host);
  spec.process.rlimits = {{"nofile", host.rlim_max + 1, host.rlim_max + 1}};
  try {
    sh(fs, "true", &spec);
    FAIL("no error");
  } catch (const stack::Error& e) {
    CHECK(std::string(e.what()) == "ulimit nofile: hard limit " + std::to_string(host.rlim_max + 1) +
                                       " is above this host's limit " + std::to_string(host.rlim_max));
    CHECK_THAT(e.hint(), Catch::Contains("CAP_SYS_RESOURCE"));
  }
}

TEST_CASE("a read-only rootfs refuses writes while a tmpfs mount accepts them", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {});
  spec.root.read_only = true;
  spec.mounts.push_back({"/tmp", "tmpfs", "tmpfs", {"size=1m", "mode=1777"}});
  RunResult r = sh(fs, "touch /x 2>/dev/null && echo root-writable || echo root-read-only; touch /tmp/x && echo tmp-ok", &spec);
  CHECK(r.output == "root-read-only\ntmp-ok\n");
}

TEST_CASE("writes land in the upper directory, not in the image layer", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {});
  RunResult r = sh(fs, "echo hi > /etc/new-file && rm /etc/group", &spec);
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::exists(spec.root.upper_dir + "/etc/new-file"));
  CHECK(std::filesystem::exists(fs.dir() + "/etc/group"));
}

TEST_CASE("start fails precisely when the executable is missing", "[container][errors]") {
  BusyboxRootfs fs;
  REQUIRE_THROWS_WITH(run_container(busybox_spec(fs, {"nginx"}), fs),
                      "exec: \"nginx\": executable file not found in $PATH");
  REQUIRE_THROWS_WITH(run_container(busybox_spec(fs, {"/usr/sbin/nginx"}), fs),
                      "exec: \"/usr/sbin/nginx\": no such file or directory");
}

TEST_CASE("start fails precisely for a file that is not executable", "[container][errors]") {
  BusyboxRootfs fs;
  REQUIRE_THROWS_WITH(run_container(busybox_spec(fs, {"/etc/passwd"}), fs), "exec: \"/etc/passwd\": permission denied");
}

TEST_CASE("start fails precisely for a bad working directory", "[container][errors]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"true"});
  spec.process.cwd = "/nope";
  REQUIRE_THROWS_WITH(run_container(spec, fs),
                      "chdir to cwd (\"/nope\") set in the container spec failed: No such file or directory");
}

TEST_CASE("start fails precisely for an unknown user", "[container][errors]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"true"});
  spec.process.user = "ghost";
  REQUIRE_THROWS_WITH(run_container(spec, fs), Catch::Contains("unable to find user ghost"));
}

TEST_CASE("start fails precisely for a mount that cannot be made", "[container][errors]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"true"});
  spec.mounts.push_back({"/data", "bind", fs.base() + "/missing", {"rbind"}});
  REQUIRE_THROWS_WITH(run_container(spec, fs), Catch::Contains("/data") && Catch::Contains("No such file or directory"));
}

TEST_CASE("the memory limit kills a hog and the cgroup says OOM killed", "[container][cgroup]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"});
  spec.resources.memory_limit = 32 << 20;
  spec.resources.memory_swap = 32 << 20;
  RunResult r = run_container(spec, fs);
  CHECK(r.signal == SIGKILL);
  CHECK(r.oom_killed);
}

TEST_CASE("the pids limit stops a fork bomb", "[container][cgroup]") {
  BusyboxRootfs fs;
  // The bomb runs in a subshell (busybox sh exits when a fork fails); PID 1 then
  // becomes `sleep 31` so what the bomb left can be counted from outside.
  Spec spec = busybox_spec(fs, {"sh", "-c",
                                "(i=0; while [ $i -lt 30 ]; do sleep 30 & i=$((i+1)); done) 2>/dev/null; "
                                "echo fork-failed; exec sleep 31"});
  spec.resources.pids_limit = 8;
  StartedContainer c = start_background(spec, fs);
  // The script ends by becoming `sleep 31`: wait for that, then count from outside.
  const std::string cmdline = "/proc/" + std::to_string(c.pid) + "/cmdline";
  std::string seen;
  for (int i = 0; i < 500 && seen.rfind("sleep", 0) != 0; ++i) {
    std::ifstream in(cmdline);
    std::getline(in, seen, '\0');
    if (seen.rfind("sleep", 0) != 0) usleep(10000);
  }
  const size_t count = c.cgroup.pids().size();
  stop_background(c);
  CHECK(seen == "sleep");
  CHECK(count >= 2);  // sleep 31 and the bomb's children that did start
  CHECK(count <= 8);  // never more than the limit
}

TEST_CASE("cpu quota and memory limit show in the container's cgroup files", "[container][cgroup]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"sleep", "30"});
  spec.resources.cpu_quota = 50000;
  spec.resources.cpu_period = 100000;
  spec.resources.memory_limit = 64 << 20;
  StartedContainer c = start_background(spec, fs);
  std::ifstream quota(c.cgroup.path("cpu") + "/cpu.cfs_quota_us");
  std::ifstream mem(c.cgroup.path("memory") + "/memory.limit_in_bytes");
  std::string q, m;
  quota >> q;
  mem >> m;
  auto pids = c.cgroup.pids();
  stop_background(c);
  CHECK(q == "50000");
  CHECK(m == std::to_string(64 << 20));
  CHECK(pids == std::vector<pid_t>{c.pid});
  CHECK_FALSE(std::filesystem::exists(c.cgroup.path("memory")));
}

// The child runs in the starting process's memory until it execs (CLONE_VM): whatever
// it left allocated there would stay, start after start, in a shim restarting its container.
TEST_CASE("a start, whether it succeeds or fails, leaves nothing on the starter's heap", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"true"});
  spec.process.env = {"BIG=" + std::string(8192, 'x')};
  Spec missing = spec;
  missing.process.args = {"nginx"};
  auto run_both = [&] {
    CHECK(run_container(spec, fs).exit_code == 0);
    CHECK_THROWS_WITH(run_container(missing, fs), "exec: \"nginx\": executable file not found in $PATH");
  };
  run_both();  // first uses set up what lasts (statics, stdio buffers)
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 3; ++i) run_both();
  // A leak of the environment alone would be 3 x 8 KiB.
  CHECK(mallinfo2().uordblks - before < 2048);
}

TEST_CASE("nothing of a container is left after it ran", "[container]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"true"});
  RunResult r = run_container(spec, fs);
  CHECK(r.exit_code == 0);
  CHECK(host_mounts_under(fs.base()).empty());
  for (const char* ctrl : {"memory", "cpu", "pids", "freezer"}) {
    std::error_code ec;
    const std::string parent = std::string("/sys/fs/cgroup/") + ctrl + "/" + spec.cgroup_parent;
    for (const auto& entry : std::filesystem::directory_iterator(parent, ec))
      CHECK(entry.path().filename().string().rfind(spec.hostname + "-", 0) != 0);
  }
}

namespace {

struct ExecResult {
  int code = -1;
  std::string output;
};

ExecResult exec_in(const StartedContainer& c, const Spec& container, std::vector<std::string> args,
                   const std::string& user = "") {
  int out[2];
  REQUIRE(pipe2(out, O_CLOEXEC) == 0);
  ExecRequest r;
  r.container_pid = c.pid;
  r.cgroup = &c.cgroup;
  r.spec = container;
  r.spec.process.args = std::move(args);
  r.spec.process.user = user;
  r.seccomp = default_seccomp_program(container.process.capabilities, "");
  r.stdout_fd = out[1];
  r.stderr_fd = out[1];
  ExecResult result;
  try {
    pid_t pid = start_exec(r);
    ::close(out[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0) result.output.append(buf, n);
    int status = 0;
    waitpid(pid, &status, 0);
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  } catch (...) {
    ::close(out[0]);
    ::close(out[1]);
    throw;
  }
  ::close(out[0]);
  return result;
}

}  // namespace

TEST_CASE("exec runs a command inside the running container's namespaces", "[container][exec]") {
  BusyboxRootfs fs;
  Spec spec = busybox_spec(fs, {"sleep", "30"});
  spec.hostname = "box";
  StartedContainer c = start_background(spec, fs);
  ExecResult r = exec_in(c, spec, {"sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; grep Seccomp: /proc/self/status"});
  ExecResult code = exec_in(c, spec, {"sh", "-c", "exit 3"});
  ExecResult user = exec_in(c, spec, {"id", "-u"}, "tester");
  std::string missing;
  try {
    exec_in(c, spec, {"nosuch"});
  } catch (const stack::Error& e) {
    missing = e.what();
  }
  stop_background(c);
  CHECK(r.code == 0);
  CHECK(r.output == "box\nsleep 30 \nSeccomp:\t2\n");
  CHECK(code.code == 3);
  CHECK(user.output == "1000\n");
  CHECK(missing == "exec: \"nosuch\": executable file not found in $PATH");
}

TEST_CASE("the devices cgroup lets a container make any node but open only the standard ones", "[container][devices]") {
  BusyboxRootfs fs;
  // 254:0 is this host's disk (vda); any block device would do: mknod is allowed, opening is not.
  RunResult r = sh(fs, "mknod /tmp/disk b 254 0 && echo made; head -c 1 /tmp/disk; echo rc=$?; echo ok > /dev/null && echo null-ok");
  CHECK_THAT(r.output, Catch::Contains("made\n"));
  CHECK_THAT(r.output, Catch::Contains("Operation not permitted"));
  CHECK_THAT(r.output, Catch::Contains("rc=1\n"));
  CHECK_THAT(r.output, Catch::Contains("null-ok\n"));
}

TEST_CASE("a new network namespace has its loopback up and nothing else", "[container][network]") {
  BusyboxRootfs fs;
  RunResult r = sh(fs, "ls /sys/class/net; ip -o link show lo | grep -c 'LOOPBACK,UP'");
  CHECK(r.output == "lo\n1\n");
}
