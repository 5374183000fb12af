// stack-shim driven through its protocol, with real containers on the busybox fixture.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "base/files.hpp"
#include "engine/runtime/spec_json.hpp"
#include "engine/shim_client.hpp"
#include "support/shim_container.hpp"

using namespace stack;
using namespace stack::engine;
using namespace stack::testing;
using namespace std::chrono_literals;

namespace {

bool exited(const ShimContainer& c) { return c.state().status == Status::Exited; }

int count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("shim: runs the container, logs both streams with timestamps and records the exit", "[shim]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sh", "-c", "echo out; echo err >&2; exit 3"});
  const pid_t pid = c.start();
  CHECK(pid > 0);
  REQUIRE(eventually([&] { return exited(c); }));
  const ContainerState s = c.state();
  CHECK(s.exit_code == 3);
  CHECK_FALSE(s.oom_killed);
  CHECK(s.restart_count == 0);
  CHECK_FALSE(s.started.empty());
  CHECK_FALSE(s.finished.empty());
  const std::string log = c.log_text();
  CHECK(log.find(R"({"log":"out\n","stream":"stdout","time":")") != std::string::npos);
  CHECK(log.find(R"({"log":"err\n","stream":"stderr","time":")") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(c.layout().shim_socket(c.id())));
}

TEST_CASE("shim: a start failure comes back as the runtime's message and nothing keeps running", "[shim]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"nginx"});
  try {
    c.start();
    FAIL("start succeeded");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "exec: \"nginx\": executable file not found in $PATH");
  }
  const ContainerState s = c.state();
  CHECK(s.status == Status::Created);
  CHECK(s.exit_code == 127);
  CHECK(s.error == "exec: \"nginx\": executable file not found in $PATH");
  CHECK_THROWS_AS(shim_request(c.layout(), c.id(), "wait"), ShimGone);
}

TEST_CASE("shim: on-failure:2 restarts a failing container twice, then leaves it exited", "[shim][restart]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sh", "-c", "echo run; exit 1"});
  c.config.restart_policy = "on-failure:2";
  c.start();
  REQUIRE(eventually([&] { return exited(c); }));
  CHECK(c.state().restart_count == 2);
  CHECK(c.state().exit_code == 1);
  CHECK(count(c.log_text(), "run\\n") == 3);
}

TEST_CASE("shim: on-failure does not restart a clean exit, no never restarts", "[shim][restart]") {
  BusyboxRootfs fs;
  for (const char* policy : {"on-failure", "no"}) {
    ShimContainer c(fs, {"sh", "-c", std::string(policy) == "no" ? "exit 1" : "exit 0"});
    c.config.restart_policy = policy;
    c.start();
    REQUIRE(eventually([&] { return exited(c); }));
    CHECK(c.state().restart_count == 0);
  }
}

TEST_CASE("shim: always and unless-stopped restart until the user stops them, with back-off", "[shim][restart]") {
  BusyboxRootfs fs;
  for (const char* policy : {"always", "unless-stopped"}) {
    ShimContainer c(fs, {"true"});
    c.config.restart_policy = policy;
    const auto t0 = std::chrono::steady_clock::now();
    c.start();
    // Delays 100, 200, 400 ms: three restarts take at least 700 ms.
    REQUIRE(eventually([&] { return c.state().restart_count >= 3; }));
    CHECK(std::chrono::steady_clock::now() - t0 >= 700ms);
    CHECK(shim_request(c.layout(), c.id(), "stop SIGTERM 10") == "0");
    const ContainerState s = c.state();
    CHECK(s.status == Status::Exited);
    CHECK(s.stop_requested);
  }
}

TEST_CASE("shim: stop sends the stop signal and the container may exit on it", "[shim][stop]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sh", "-c", "trap 'echo bye; exit 7' TERM; echo ready; while true; do sleep 0.05; done"});
  c.config.restart_policy = "always";
  c.start();
  REQUIRE(eventually([&] { return c.log_text().find("ready") != std::string::npos; }));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(shim_request(c.layout(), c.id(), "stop SIGTERM 10") == "7");
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(c.state().restart_count == 0);
  CHECK(c.log_text().find("bye") != std::string::npos);
}

TEST_CASE("shim: stop escalates to SIGKILL after the grace period", "[shim][stop]") {
  BusyboxRootfs fs;
  // PID 1 of a pid namespace ignores SIGTERM unless it handles it: only SIGKILL ends it.
  ShimContainer c(fs, {"sleep", "60"});
  c.start();
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(shim_request(c.layout(), c.id(), "stop SIGTERM 1") == "137");
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 1s);
  CHECK(took < 5s);
  CHECK(c.state().exit_code == 137);
}

TEST_CASE("shim: pause freezes the container and unpause thaws it", "[shim]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sleep", "60"});
  c.start();
  CHECK(shim_request(c.layout(), c.id(), "pause") == "");
  CHECK(c.state().status == Status::Paused);
  CHECK_THROWS_WITH(shim_request(c.layout(), c.id(), "pause"), Catch::Contains("already paused"));
  CHECK(shim_request(c.layout(), c.id(), "unpause") == "");
  CHECK(c.state().status == Status::Running);
}

TEST_CASE("shim: a killed shim leaves its container running", "[shim]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sleep", "60"});
  const pid_t pid = c.start();
  const ContainerState s = c.state();
  REQUIRE(s.shim_pid > 0);
  REQUIRE(::kill(s.shim_pid, SIGKILL) == 0);
  REQUIRE(eventually([&] { return !process_alive(s.shim_pid); }));
  CHECK(process_alive(pid));
  CHECK_THROWS_AS(shim_request(c.layout(), c.id(), "wait"), ShimGone);
}

TEST_CASE("shim: logs rotate at max-size keeping max-file files", "[shim][logs]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done"});
  c.config.log.max_size = 2000;
  c.config.log.max_file = 3;
  c.start();
  REQUIRE(eventually([&] { return exited(c); }));
  const std::string log = c.layout().log_path(c.id());
  CHECK(std::filesystem::exists(log + ".1"));
  CHECK(std::filesystem::exists(log + ".2"));
  CHECK_FALSE(std::filesystem::exists(log + ".3"));
  CHECK(c.log_text().find("line-299") != std::string::npos);
  CHECK(std::filesystem::file_size(log) <= 2000);
}

TEST_CASE("shim: healthchecks run in the container and set healthy or unhealthy", "[shim][health]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sh", "-c", "touch /tmp/ready; sleep 60"});
  HealthcheckConfig h;
  h.test = {"CMD-SHELL", "test -f /tmp/ready && echo ok"};
  h.interval_ms = 100;
  h.timeout_ms = 2000;
  h.retries = 2;
  c.config.healthcheck = h;
  c.start();
  REQUIRE(eventually([&] {
    auto s = c.state();
    return s.health && s.health->status == "healthy";
  }));
  const ContainerState s = c.state();
  REQUIRE_FALSE(s.health->log.empty());
  CHECK(s.health->log.back().output == "ok\n");
  CHECK(s.health->log.back().exit_code == 0);

  ShimContainer bad(fs, {"sleep", "60"});
  h.test = {"CMD", "false"};
  bad.config.healthcheck = h;
  bad.start();
  REQUIRE(eventually([&] {
    auto s = bad.state();
    return s.health && s.health->status == "unhealthy";
  }));
  CHECK(bad.state().health->failing_streak >= 2);
}

TEST_CASE("shim: a healthcheck past its timeout fails with Docker's message", "[shim][health]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sleep", "60"});
  HealthcheckConfig h;
  h.test = {"CMD", "sleep", "10"};
  h.interval_ms = 100;
  h.timeout_ms = 200;
  h.retries = 1;
  c.config.healthcheck = h;
  c.start();
  REQUIRE(eventually([&] {
    auto s = c.state();
    return s.health && s.health->status == "unhealthy";
  }));
  CHECK(c.state().health->log.back().output == "Health check exceeded timeout (200ms)");
}

TEST_CASE("shim: an attach session from before the start gets all output and the exit code, and auto_remove removes the container", "[shim]") {
  BusyboxRootfs fs;
  ShimContainer c(fs, {"sh", "-c", "echo hello; echo oops >&2; exit 5"});
  c.config.auto_remove = true;
  c.start();  // writes the documents; this one exits at once
  REQUIRE(eventually([&] { return !std::filesystem::exists(c.dir()); }));

  ShimContainer a(fs, {"sh", "-c", "echo hello; echo oops >&2; exit 5"});
  int out[2], err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  // Write the documents through start() of a copy is not possible; do it by hand.
  a.config.auto_remove = true;
  std::filesystem::create_directories(a.dir());
  std::filesystem::create_directories(a.spec.root.upper_dir);
  std::filesystem::create_directories(a.spec.root.work_dir);
  base::write_file_atomic(a.layout().spec_path(a.id()), runtime::spec_to_json(a.spec));
  save_config(a.dir(), a.config);
  AttachStreams streams;
  streams.out_fd = out[1];
  streams.err_fd = err[1];
  CHECK(start_attached(a.layout(), a.id(), streams) == 5);
  ::close(out[1]);
  ::close(err[1]);
  CHECK(base::read_file("/proc/self/fd/" + std::to_string(out[0])) == "hello\n");
  CHECK(base::read_file("/proc/self/fd/" + std::to_string(err[0])) == "oops\n");
  ::close(out[0]);
  ::close(err[0]);
  CHECK_FALSE(std::filesystem::exists(a.dir()));
}
