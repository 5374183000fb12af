#include <catch2/catch.hpp>

#include <linux/filter.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.hpp"
#include "engine/runtime/capabilities.hpp"
#include "engine/runtime/seccomp.hpp"
#include "engine/runtime/seccomp_profile.hpp"

using namespace stack::engine::runtime;
namespace fs = std::filesystem;

namespace {

// A temporary directory removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "stack-seccomp-test-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

std::vector<fs::path> cache_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  return files;
}

bool allows(const seccomp::Profile& resolved, const std::string& name) {
  return std::any_of(resolved.rules.begin(), resolved.rules.end(), [&](const seccomp::Rule& rule) {
    return rule.action == seccomp::Action::Allow &&
           std::find(rule.names.begin(), rule.names.end(), name) != rule.names.end();
  });
}

const seccomp::Rule* rule_for(const seccomp::Profile& resolved, const std::string& name) {
  for (const auto& rule : resolved.rules)
    if (std::find(rule.names.begin(), rule.names.end(), name) != rule.names.end()) return &rule;
  return nullptr;
}

std::string compile_error(const std::string& json) {
  TempDir dir;
  std::string path = dir.write("profile.json", json);
  try {
    compile_seccomp_profile(path, default_capabilities());
  } catch (const stack::Error& e) {
    std::string message = e.what();
    // Errors name the file; the tests compare what follows it.
    REQUIRE(message.rfind("seccomp profile " + path + ": ", 0) == 0);
    return message.substr(("seccomp profile " + path + ": ").size());
  }
  FAIL("expected an error for " << json);
  return {};
}

}  // namespace

TEST_CASE("default profile denies with EPERM and refuses namespace, mount, key and bpf syscalls", "[seccomp]") {
  auto resolved = seccomp::resolve_profile(seccomp::default_profile(), default_capabilities());
  CHECK(resolved.default_action == seccomp::Action::Errno);
  CHECK(resolved.default_errno_ret == EPERM);
  for (const char* name : {"read", "write", "getpid", "execve", "mkdir", "capset", "prctl", "arch_prctl", "chroot"})
    CHECK(allows(resolved, name));
  for (const char* name : {"mount", "umount2", "unshare", "setns", "keyctl", "add_key", "request_key", "bpf",
                           "perf_event_open", "reboot", "init_module", "settimeofday", "open_by_handle_at",
                           "kcmp", "acct", "iopl", "syslog", "sethostname"})
    CHECK_FALSE(allows(resolved, name));
}

TEST_CASE("default profile lists x32 only where the kernel runs it, and answers other ABIs with ENOSYS", "[seccomp]") {
  const seccomp::Profile p = seccomp::default_profile();
#if defined(__x86_64__)
  const std::vector<std::string> expected =
      seccomp::kernel_runs_x32() ? std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}
                                 : std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  CHECK(p.arches == expected);
#endif
  CHECK(p.bad_arch_errno == ENOSYS);
  auto resolved = seccomp::resolve_profile(p, default_capabilities());
  CHECK(resolved.bad_arch_errno == ENOSYS);
  // Part of the cache key: a program for another answer is another file.
  auto killing = resolved;
  killing.bad_arch_errno.reset();
  CHECK(seccomp::canonical_text(killing) != seccomp::canonical_text(resolved));
  // A JSON profile keeps libseccomp's default.
  CHECK_FALSE(seccomp::parse_profile(R"({"defaultAction": "SCMP_ACT_ALLOW"})", "p.json").bad_arch_errno);
}

TEST_CASE("default profile allows clone only without namespace flags and answers clone3 with ENOSYS", "[seccomp]") {
  auto resolved = seccomp::resolve_profile(seccomp::default_profile(), default_capabilities());
  const seccomp::Rule* clone = rule_for(resolved, "clone");
  REQUIRE(clone != nullptr);
  REQUIRE(clone->args.size() == 1);
  CHECK(clone->args[0] == seccomp::ArgCondition{0, 0x7E020000, 0, "SCMP_CMP_MASKED_EQ"});
  const seccomp::Rule* clone3 = rule_for(resolved, "clone3");
  REQUIRE(clone3 != nullptr);
  CHECK(clone3->action == seccomp::Action::Errno);
  CHECK(clone3->errno_ret == ENOSYS);
}

TEST_CASE("default profile limits personality to Docker's values and refuses AF_VSOCK sockets", "[seccomp]") {
  auto resolved = seccomp::resolve_profile(seccomp::default_profile(), default_capabilities());
  std::vector<uint64_t> personas;
  for (const auto& rule : resolved.rules)
    if (rule.names == std::vector<std::string>{"personality"}) personas.push_back(rule.args.at(0).value);
  CHECK(personas == std::vector<uint64_t>{0, 8, 0x20000, 0x20008, 0xffffffff});
  const seccomp::Rule* socket = rule_for(resolved, "socket");
  REQUIRE(socket != nullptr);
  CHECK(socket->args == std::vector<seccomp::ArgCondition>{{0, 40, 0, "SCMP_CMP_NE"}});
}

TEST_CASE("capabilities unlock their syscalls in the default profile", "[seccomp]") {
  auto with = [](const std::string& cap) {
    auto caps = default_capabilities();
    caps.push_back(cap);
    return seccomp::resolve_profile(seccomp::default_profile(), caps);
  };
  auto admin = with("SYS_ADMIN");
  for (const char* name : {"mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf", "sethostname"})
    CHECK(allows(admin, name));
  CHECK(rule_for(admin, "clone")->args.empty());  // clone without the namespace-flag condition
  CHECK(allows(with("CAP_SYS_PTRACE"), "kcmp"));
  CHECK(allows(with("CAP_SYS_MODULE"), "finit_module"));
  CHECK(allows(with("CAP_SYS_BOOT"), "reboot"));
  CHECK(allows(with("CAP_SYS_TIME"), "settimeofday"));
  CHECK(allows(with("CAP_SYS_NICE"), "mbind"));
  CHECK(allows(with("CAP_SYS_PACCT"), "acct"));
  CHECK(allows(with("CAP_SYS_RAWIO"), "iopl"));
  CHECK(allows(with("CAP_SYSLOG"), "syslog"));
  CHECK(allows(with("CAP_BPF"), "bpf"));
  CHECK(allows(with("CAP_PERFMON"), "perf_event_open"));
  CHECK_FALSE(allows(with("CAP_BPF"), "mount"));
}

TEST_CASE("default program compiles to whole BPF instructions and is cached as a file", "[seccomp]") {
  TempDir dir;
  SeccompProgram program = default_seccomp_program(default_capabilities(), dir.path.string());
  REQUIRE_FALSE(program.empty());
  CHECK(program.bpf.size() % sizeof(sock_filter) == 0);
  auto files = cache_files(dir.path);
  REQUIRE(files.size() == 1);
  std::string name = files[0].filename().string();
  CHECK(name.rfind("seccomp-", 0) == 0);
  CHECK(name.size() == std::string("seccomp-").size() + 32 + std::string(".bpf").size());  // a 128-bit digest
  std::ifstream in(files[0], std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  CHECK(bytes.str() == program.bpf);
  CHECK(default_seccomp_program(default_capabilities(), "").bpf == program.bpf);
}

TEST_CASE("a cached program is read from its file without compiling again", "[seccomp]") {
  TempDir dir;
  default_seccomp_program(default_capabilities(), dir.path.string());
  fs::path file = cache_files(dir.path).at(0);
  // Replace the cache with a recognizable 2-instruction program: a second call that
  // returns these bytes cannot have compiled anything.
  std::string marker("\x06\x00\x00\x00\x00\x00\xff\x7f\x06\x00\x00\x00\x00\x00\xff\x7f", 16);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << marker;
  auto written = fs::last_write_time(file);
  CHECK(default_seccomp_program(default_capabilities(), dir.path.string()).bpf == marker);
  CHECK(fs::last_write_time(file) == written);
  CHECK(cache_files(dir.path).size() == 1);
}

TEST_CASE("a truncated cache file is compiled again and replaced", "[seccomp]") {
  TempDir dir;
  std::string fresh = default_seccomp_program(default_capabilities(), dir.path.string()).bpf;
  fs::path file = cache_files(dir.path).at(0);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << "abc";
  CHECK(default_seccomp_program(default_capabilities(), dir.path.string()).bpf == fresh);
  CHECK(fs::file_size(file) == fresh.size());
}

TEST_CASE("different capability sets get different cached programs", "[seccomp]") {
  TempDir dir;
  auto admin = default_capabilities();
  admin.push_back("CAP_SYS_ADMIN");
  auto plain = default_seccomp_program(default_capabilities(), dir.path.string());
  auto with_admin = default_seccomp_program(admin, dir.path.string());
  CHECK(plain.bpf != with_admin.bpf);
  CHECK(cache_files(dir.path).size() == 2);
  // A capability that unlocks no syscall resolves to the same filter and the same file.
  auto net_admin = default_capabilities();
  net_admin.push_back("NET_ADMIN");
  CHECK(default_seccomp_program(net_admin, dir.path.string()).bpf == plain.bpf);
  CHECK(cache_files(dir.path).size() == 2);
}

TEST_CASE("a custom Docker-format profile compiles", "[seccomp]") {
  TempDir dir;
  std::string path = dir.write("deny-mkdir.json", R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
    "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "comment": "no dirs"},
      {"names": ["not_a_syscall_anywhere"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"}]},
      {"names": ["mount"], "action": "SCMP_ACT_KILL_PROCESS", "includes": {"caps": ["CAP_SYS_ADMIN"]}}
    ]})");
  SeccompProgram program = compile_seccomp_profile(path, default_capabilities());
  CHECK_FALSE(program.empty());
  CHECK(program.bpf.size() % sizeof(sock_filter) == 0);
}

TEST_CASE("custom profile errors name the file and the offending entry", "[seccomp]") {
  CHECK_THAT(compile_error("{ not json"), Catch::StartsWith("invalid JSON: "));
  CHECK(compile_error("[]") == "must be a JSON object");
  CHECK(compile_error("{}") == "needs \"defaultAction\" (e.g. \"SCMP_ACT_ERRNO\")");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_MAYBE"})") ==
        "unknown action \"SCMP_ACT_MAYBE\" in \"defaultAction\"");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]},
        {"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]})") ==
        "syscalls[0] (read): needs an \"action\"");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]})") ==
        "syscalls[1] (mkdir): unknown action \"SCMP_ACT_NOPE\" in \"action\"");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO"}]})") ==
        "syscalls[0]: needs \"names\" (a list of syscall names)");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "read", "action": "SCMP_ACT_ERRNO"}]})") ==
        "syscalls[0]: \"names\" must be a list of strings");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ERRNO",
        "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})") ==
        "syscalls[0] (socket): argument \"index\" must be 0 to 5, found 6");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ERRNO",
        "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]})") ==
        "syscalls[0] (socket): unknown argument op \"SCMP_CMP_ABOUT\"");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
        "errnoRet": -1}]})") ==
        "syscalls[0] (mkdir): \"errnoRet\" must be an errno number between 0 and 4095, found -1");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW",
        "includes": {"caps": ["CAP_SYS_WIZARD"]}}]})") ==
        "syscalls[0] (mount): unknown capability \"CAP_SYS_WIZARD\" in \"includes.caps\"");
  CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]})") ==
        "seccomp: unknown architecture \"SCMP_ARCH_VAX\"");
}

TEST_CASE("a missing custom profile is an error naming the file", "[seccomp]") {
  REQUIRE_THROWS_WITH(compile_seccomp_profile("/nonexistent/profile.json", {}),
                      "seccomp profile /nonexistent/profile.json: open /nonexistent/profile.json: no such file or directory");
}
