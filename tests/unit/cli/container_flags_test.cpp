#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "cli/container_flags.hpp"

using namespace stack;
using engine::CreateRequest;
namespace fs = std::filesystem;

namespace {

struct Parsed {
  CreateRequest request;
  std::vector<std::string> rest;  // IMAGE-or-ROOTFS, COMMAND, ARGS...
  bool rootfs = false;
  bool entrypoint = false;
};

// `stack container run ARGS...` through a command tree shaped like the real one.
Parsed parse(std::vector<std::string> args) {
  CLI::App app{"stack"};
  app.require_subcommand(1);
  app.fallthrough();
  std::string log_level;
  app.add_option("--log-level", log_level);
  CLI::App* container = app.add_subcommand("container");
  container->require_subcommand(1);
  container->add_subcommand("ls");
  CLI::App* run = container->add_subcommand("run");
  Parsed p;
  cli::add_create_flags(*run, p.request);
  args.insert(args.begin(), {"container", "run"});
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  app.parse(args);
  p.rest = run->remaining();
  p.rootfs = cli::rootfs_given(*run);
  p.entrypoint = cli::entrypoint_given(*run);
  return p;
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "stack-flags-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name, std::ios::binary) << text;
    return path + "/" + name;
  }
};

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("option parsing stops at the first positional", "[flags]") {
  Parsed p = parse({"--rootfs", "-it", "/r", "sh", "-c", "echo -x", "--rm"});
  CHECK(p.rest == Strings{"/r", "sh", "-c", "echo -x", "--rm"});
  CHECK(p.rootfs);
  CHECK(p.request.tty);
  CHECK(p.request.stdin_open);
  CHECK_FALSE(p.request.auto_remove);
  // A command named like a sibling command is still the container's command.
  p = parse({"busybox", "ls", "-l"});
  CHECK(p.rest == Strings{"busybox", "ls", "-l"});
  CHECK_FALSE(p.rootfs);
}

TEST_CASE("list flags take one value per occurrence and keep the positionals", "[flags]") {
  Parsed p = parse({"--cap-add", "NET_ADMIN", "--cap-add=SYS_PTRACE", "--cap-drop", "ALL", "-v", "/a:/b:ro",
                    "--volume", "/c:/d", "--tmpfs", "/run", "--device", "/dev/fuse", "--ulimit", "nofile=10:20",
                    "--security-opt", "no-new-privileges", "--group-add", "audio", "--log-opt", "max-size=1m",
                    "busybox", "true"});
  CHECK(p.request.cap_add == Strings{"NET_ADMIN", "SYS_PTRACE"});
  CHECK(p.request.cap_drop == Strings{"ALL"});
  CHECK(p.request.volumes == Strings{"/a:/b:ro", "/c:/d"});
  CHECK(p.request.tmpfs == Strings{"/run"});
  CHECK(p.request.devices == Strings{"/dev/fuse"});
  CHECK(p.request.ulimits == Strings{"nofile=10:20"});
  CHECK(p.request.security_opt == Strings{"no-new-privileges"});
  CHECK(p.request.group_add == Strings{"audio"});
  CHECK(p.request.log_opts == Strings{"max-size=1m"});
  CHECK(p.rest == Strings{"busybox", "true"});
}

TEST_CASE("single-value flags bind as docker run's, the last one winning", "[flags]") {
  Parsed p = parse({"--name", "a", "--name=web", "-w", "/srv", "-u", "1000:1000", "-h", "box", "--domainname",
                    "example.org", "--read-only", "--privileged", "--init", "--rm", "--net", "host", "--restart",
                    "always", "--stop-signal", "SIGQUIT", "--stop-timeout", "3", "--cgroup-parent", "mine", "img"});
  const CreateRequest& r = p.request;
  CHECK(r.name == "web");
  CHECK(r.workdir == "/srv");
  CHECK(r.user == "1000:1000");
  CHECK(r.hostname == "box");
  CHECK(r.domainname == "example.org");
  CHECK(r.read_only);
  CHECK(r.privileged);
  CHECK(r.init);
  CHECK(r.auto_remove);
  CHECK(r.network == "host");
  CHECK(r.restart == "always");
  CHECK(r.stop_signal == "SIGQUIT");
  CHECK(r.stop_timeout == 3);
  CHECK(r.cgroup_parent == "mine");
  CHECK(parse({"--network", "/run/netns/x", "img"}).request.network == "/run/netns/x");
}

TEST_CASE("resource flags keep docker's text and numbers", "[flags]") {
  Parsed p = parse({"-m", "512m", "--memory-reservation", "256m", "--memory-swap", "-1", "--memory-swappiness",
                    "10", "--oom-kill-disable", "--oom-score-adj", "-500", "--shm-size", "1g", "--cpus", "1.5", "-c",
                    "512", "--cpu-quota", "-1", "--cpu-period", "50000", "--cpuset-cpus", "0-1", "--cpuset-mems", "0",
                    "--pids-limit", "100", "--blkio-weight", "300", "img"});
  const CreateRequest& r = p.request;
  CHECK(r.memory == "512m");
  CHECK(r.memory_reservation == "256m");
  CHECK(r.memory_swap == "-1");
  CHECK(r.memory_swappiness == 10);
  CHECK(r.oom_kill_disable);
  CHECK(r.oom_score_adj == -500);
  CHECK(r.shm_size == "1g");
  CHECK(r.cpus == "1.5");
  CHECK(r.cpu_shares == 512u);
  CHECK(r.cpu_quota == -1);
  CHECK(r.cpu_period == 50000u);
  CHECK(r.cpuset_cpus == "0-1");
  CHECK(r.cpuset_mems == "0");
  CHECK(r.pids_limit == 100);
  CHECK(r.blkio_weight == 300);
  CHECK_FALSE(parse({"--memory-swappiness", "-1", "img"}).request.memory_swappiness);
  CHECK_THROWS_AS(parse({"--blkio-weight", "70000", "img"}), CLI::ParseError);
}

TEST_CASE("labels and sysctls are KEY=VALUE pairs", "[flags]") {
  Parsed p = parse({"-l", "a=1", "--label", "b", "-l", "a=2", "--sysctl", "net.core.somaxconn=1024", "img"});
  CHECK(p.request.labels == std::map<std::string, std::string>{{"a", "2"}, {"b", ""}});
  CHECK(p.request.sysctls == std::map<std::string, std::string>{{"net.core.somaxconn", "1024"}});
  REQUIRE_THROWS_WITH(parse({"--sysctl", "kernel.shmmax", "img"}),
                      "invalid --sysctl \"kernel.shmmax\": expected KEY=VALUE");
}

TEST_CASE("flag -e entries follow the env files and take bare names from the environment", "[flags]") {
  TempDir dir;
  ::setenv("STACK_FLAGS_TEST_SET", "from-env", 1);
  ::unsetenv("STACK_FLAGS_TEST_UNSET");
  const std::string file = dir.write("app.env", "\xEF\xBB\xBF# comment\n\nA=file\r\n  B=two words \nSTACK_FLAGS_TEST_SET\n"
                                                "STACK_FLAGS_TEST_UNSET\nC=\"quoted\"\n");
  Parsed p = parse({"-e", "A=flag", "--env", "STACK_FLAGS_TEST_SET", "-e", "STACK_FLAGS_TEST_UNSET", "--env-file", file,
                    "img"});
  CHECK(p.request.env == Strings{"A=file", "B=two words ", "STACK_FLAGS_TEST_SET=from-env", "C=\"quoted\"", "A=flag",
                                 "STACK_FLAGS_TEST_SET=from-env"});
  ::unsetenv("STACK_FLAGS_TEST_SET");
}

TEST_CASE("a malformed env file names the file and the line", "[flags]") {
  TempDir dir;
  const std::string file = dir.write("bad.env", "A=1\nMY VAR=2\n");
  REQUIRE_THROWS_WITH(cli::read_env_file(file), "env file " + file + " line 2: variable \"MY VAR\" contains whitespace");
  const std::string empty_key = dir.write("empty.env", "=x\n");
  REQUIRE_THROWS_WITH(cli::read_env_file(empty_key), "env file " + empty_key + " line 1: no variable name in \"=x\"");
  CHECK_THROWS_AS(cli::read_env_file(dir.path + "/missing.env"), Error);
}

TEST_CASE("flag --entrypoint is one argument, and an empty one clears it", "[flags]") {
  Parsed p = parse({"--entrypoint", "/bin/sh -c", "img", "x"});
  CHECK(p.request.entrypoint == Strings{"/bin/sh -c"});
  CHECK(p.entrypoint);
  p = parse({"--entrypoint", "", "img"});  // CLI11 2.1 reads "--entrypoint=" as a flag wanting the next word
  CHECK(p.request.entrypoint.empty());
  CHECK(p.entrypoint);
  CHECK_FALSE(parse({"img"}).entrypoint);
}

TEST_CASE("health flags build the healthcheck with Go durations", "[flags]") {
  Parsed p = parse({"--health-cmd", "curl -f localhost", "--health-interval", "1m30s", "--health-timeout", "5s",
                    "--health-start-period", "500ms", "--health-start-interval", "2s", "--health-retries", "5", "img"});
  REQUIRE(p.request.healthcheck);
  CHECK(*p.request.healthcheck == engine::HealthcheckConfig{{"CMD-SHELL", "curl -f localhost"}, 90000, 5000, 500, 2000, 5});
  p = parse({"--health-interval", "10s", "img"});
  REQUIRE(p.request.healthcheck);
  CHECK(p.request.healthcheck->test.empty());
  CHECK(p.request.healthcheck->interval_ms == 10000);
  CHECK_FALSE(parse({"img"}).request.healthcheck);
  CHECK(parse({"--no-healthcheck", "img"}).request.healthcheck->test == Strings{"NONE"});
  REQUIRE_THROWS_WITH(parse({"--no-healthcheck", "--health-cmd", "true", "img"}),
                      "--no-healthcheck conflicts with --health-* options");
  REQUIRE_THROWS_WITH(parse({"--health-interval", "10", "img"}),
                      "invalid --health-interval \"10\": missing unit in duration \"10\"");
  REQUIRE_THROWS_WITH(parse({"--health-timeout", "-1s", "img"}), "invalid --health-timeout \"-1s\": cannot be negative");
}
