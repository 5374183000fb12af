#include <catch2/catch.hpp>

#include <linux/keyctl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/runtime/capabilities.hpp"
#include "engine/runtime/seccomp.hpp"
#include "engine/runtime/seccomp_profile.hpp"
#include "runtime/security_child.hpp"

using namespace stack::engine::runtime;
using stack::testing::run_in_child;
using stack::testing::send;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "stack-seccomp-it-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string status_field(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return line;
  return field + ": missing";
}

// "name errno" for a syscall result: 0 when it succeeded.
std::string outcome(const char* name, long rc) { return std::string(name) + " " + std::to_string(rc < 0 ? errno : 0) + "\n"; }

std::vector<std::string> with(std::vector<std::string> caps, const std::string& cap) {
  caps.push_back(cap);
  return caps;
}

}  // namespace

TEST_CASE("default filter refuses namespaces, mounts, keys and bpf with EPERM", "[seccomp]") {
  REQUIRE(getuid() == 0);
  TempDir cache;
  SeccompProgram program = default_seccomp_program(default_capabilities(), cache.path.string());
  auto result = run_in_child([&](int fd) {
    load_seccomp_program(program);
    std::string out;
    out += outcome("unshare", unshare(CLONE_NEWNS));
    // A target that does not exist: should the filter fail, mount says ENOENT and changes nothing.
    out += outcome("mount", mount("none", "/nonexistent-stack-seccomp-test", "tmpfs", 0, nullptr));
    out += outcome("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    out += outcome("add_key", syscall(SYS_add_key, "user", "stack-test", "x", 1, KEY_SPEC_PROCESS_KEYRING));
    out += outcome("bpf", syscall(SYS_bpf, 0, nullptr, 0));
    out += outcome("setns", syscall(SYS_setns, 0, 0));
    out += outcome("clone3", syscall(SYS_clone3, nullptr, 0));
    out += outcome("personality-addr-no-randomize", personality(ADDR_NO_RANDOMIZE));
    out += outcome("personality-query", personality(0xffffffff));
    out += outcome("socket-vsock", socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
    out += outcome("socket-unix", socket(AF_UNIX, SOCK_STREAM, 0));
    out += outcome("getpid", getpid());
    pid_t child = fork();  // glibc's fork is clone without namespace flags
    if (child == 0) _exit(7);
    int status = 0;
    waitpid(child, &status, 0);
    out += "fork-exit " + std::to_string(child > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "\n";
    out += status_field("Seccomp") + "\n";
    send(fd, out);
    return 0;
  });
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(result.output ==
        "unshare 1\nmount 1\nkeyctl 1\nadd_key 1\nbpf 1\nsetns 1\n"
        "clone3 38\npersonality-addr-no-randomize 1\npersonality-query 0\n"
        "socket-vsock 1\nsocket-unix 0\ngetpid 0\nfork-exit 7\nSeccomp:\t2\n");
}

TEST_CASE("under the default filter an x32 syscall is answered as the kernel answers it, never by a kill", "[seccomp]") {
  TempDir cache;
  SeccompProgram program = default_seccomp_program(default_capabilities(), cache.path.string());
  const bool x32 = seccomp::kernel_runs_x32();
  auto result = run_in_child([&](int fd) {
    load_seccomp_program(program);
    send(fd, outcome("x32-getpid", syscall(0x40000000 | SYS_getpid)));
    return 0;
  });
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output == (x32 ? "x32-getpid 0\n" : "x32-getpid " + std::to_string(ENOSYS) + "\n"));
}

TEST_CASE("with CAP_SYS_ADMIN the default filter allows unshare", "[seccomp]") {
  TempDir cache;
  SeccompProgram program = default_seccomp_program(with(default_capabilities(), "CAP_SYS_ADMIN"), cache.path.string());
  auto result = run_in_child([&](int fd) {
    load_seccomp_program(program);
    send(fd, outcome("unshare", unshare(CLONE_NEWNS)) + outcome("clone3", syscall(SYS_clone3, nullptr, 0)));
    return 0;
  });
  // clone3 reaches the kernel, which rejects the null argument itself.
  CHECK(result.output == "unshare 0\nclone3 " + std::to_string(EINVAL) + "\n");
}

TEST_CASE("loading without CAP_SYS_ADMIN sets no_new_privs and with it leaves no_new_privs unset", "[seccomp]") {
  TempDir cache;
  SeccompProgram program = default_seccomp_program(default_capabilities(), cache.path.string());
  auto load_after = [&](std::vector<std::string> caps) {
    return run_in_child([&](int fd) {
      apply_capabilities(caps, true);
      load_seccomp_program(program);
      send(fd, status_field("NoNewPrivs"));
      return 0;
    });
  };
  CHECK(load_after(default_capabilities()).output == "NoNewPrivs:\t1");
  CHECK(load_after(with(default_capabilities(), "CAP_SYS_ADMIN")).output == "NoNewPrivs:\t0");
}

TEST_CASE("a program runs under the default filter with the default capabilities", "[seccomp]") {
  TempDir cache;
  SeccompProgram program = default_seccomp_program(default_capabilities(), cache.path.string());
  auto result = run_in_child([&](int fd) {
    apply_capabilities(default_capabilities(), true);
    load_seccomp_program(program);
    dup2(fd, 1);
    dup2(fd, 2);
    execl("/bin/busybox", "busybox", "sh", "-c",
          "grep -E '^(Seccomp|CapEff):' /proc/self/status; unshare -m true || echo unshare refused", nullptr);
    return 127;
  });
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::StartsWith("CapEff:\t00000000a80425fb\nSeccomp:\t2\n"));
  CHECK_THAT(result.output, Catch::EndsWith("unshare refused\n"));
}

TEST_CASE("a custom profile denying mkdir with errnoRet 1 makes mkdir fail with EPERM", "[seccomp]") {
  TempDir dir;
  std::string profile = (dir.path / "deny-mkdir.json").string();
  std::ofstream(profile) << R"({"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]})";
  SeccompProgram program = compile_seccomp_profile(profile, default_capabilities());
  std::string target = (dir.path / "made").string();
  auto result = run_in_child([&](int fd) {
    load_seccomp_program(program);
    send(fd, outcome("mkdir", mkdir(target.c_str(), 0700)) + outcome("rmdir", rmdir(target.c_str())) +
                 outcome("getpid", getpid()));
    return 0;
  });
  CHECK(result.output == "mkdir 1\nrmdir " + std::to_string(ENOENT) + "\ngetpid 0\n");
  CHECK_FALSE(fs::exists(target));
}

TEST_CASE("loading a cached default program costs microseconds", "[seccomp]") {
  using Clock = std::chrono::steady_clock;
  TempDir cache;
  auto compile_start = Clock::now();
  default_seccomp_program(default_capabilities(), cache.path.string());
  auto compile_time = Clock::now() - compile_start;
  constexpr int kReads = 200;
  auto read_start = Clock::now();
  SeccompProgram program;
  for (int i = 0; i < kReads; ++i) program = default_seccomp_program(default_capabilities(), cache.path.string());
  auto read_time = (Clock::now() - read_start) / kReads;
  auto result = run_in_child([&](int fd) {
    auto start = Clock::now();
    load_seccomp_program(program);
    auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    send(fd, std::to_string(took));
    return 0;
  });
  REQUIRE(result.exit_code == 0);
  auto us = [](auto d) { return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count() / 1000.0; };
  WARN("seccomp default program: " << program.bpf.size() / 8 << " instructions; compile+store " << us(compile_time)
                                   << " us; cache hit (resolve+hash+read) " << us(read_time) << " us; install "
                                   << std::stod(result.output) / 1000.0 << " us");
}
