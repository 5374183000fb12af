#include <catch2/catch.hpp>

#include "engine/shim/health_monitor.hpp"

using namespace stack::engine;
using namespace stack::engine::shim;
using namespace std::chrono_literals;

namespace {

HealthcheckConfig check(int retries = 3) {
  HealthcheckConfig c;
  c.test = {"CMD-SHELL", "exit 1"};
  c.interval_ms = 1000;
  c.timeout_ms = 500;
  c.retries = retries;
  return c;
}

HealthResult result(int code) { return HealthResult{"s", "e", code, "out"}; }

}  // namespace

TEST_CASE("healthcheck commands: CMD as given, CMD-SHELL through /bin/sh -c, NONE disables", "[health]") {
  HealthcheckConfig c = check();
  HealthMonitor shell(c, Clock::now());
  CHECK(shell.command() == std::vector<std::string>{"/bin/sh", "-c", "exit 1"});
  c.test = {"CMD", "curl", "-f", "http://localhost"};
  CHECK(HealthMonitor(c, Clock::now()).command() == std::vector<std::string>{"curl", "-f", "http://localhost"});
  CHECK(HealthMonitor::enabled(c));
  c.test = {"NONE"};
  CHECK_FALSE(HealthMonitor::enabled(c));
  CHECK_FALSE(HealthMonitor::enabled(std::nullopt));
}

TEST_CASE("healthcheck turns unhealthy after `retries` consecutive failures and healthy on one success", "[health]") {
  const auto t0 = Clock::now();
  HealthMonitor m(check(2), t0);
  CHECK(m.next_check() == t0 + 1s);
  Health h;
  m.record(h, result(1), t0 + 1s);
  CHECK(h.status == "starting");
  CHECK(h.failing_streak == 1);
  CHECK(m.next_check() == t0 + 2s);
  m.record(h, result(1), t0 + 2s);
  CHECK(h.status == "unhealthy");
  m.record(h, result(0), t0 + 3s);
  CHECK(h.status == "healthy");
  CHECK(h.failing_streak == 0);
}

TEST_CASE("healthcheck failures in the start period do not count, start_interval paces it", "[health]") {
  HealthcheckConfig c = check(1);
  c.start_period_ms = 10000;
  c.start_interval_ms = 200;
  const auto t0 = Clock::now();
  HealthMonitor m(c, t0);
  CHECK(m.next_check() == t0 + 200ms);
  Health h;
  m.record(h, result(1), t0 + 200ms);
  CHECK(h.status == "starting");
  CHECK(h.failing_streak == 0);
  CHECK(m.next_check() == t0 + 400ms);
  m.record(h, result(0), t0 + 400ms);  // a success ends the start period
  CHECK(h.status == "healthy");
  CHECK(m.next_check() == t0 + 1400ms);
  m.record(h, result(1), t0 + 1400ms);
  CHECK(h.status == "unhealthy");
}

TEST_CASE("healthcheck keeps the last five results with output cut to 4 KiB", "[health]") {
  HealthMonitor m(check(), Clock::now());
  Health h;
  for (int i = 0; i < 7; ++i) m.record(h, HealthResult{"s", "e", i, std::string(5000, 'x')}, Clock::now());
  REQUIRE(h.log.size() == 5);
  CHECK(h.log.front().exit_code == 2);
  CHECK(h.log.back().output.size() == 4096);
}

TEST_CASE("healthcheck timeouts read as Docker writes them", "[health]") {
  HealthcheckConfig c = check();
  c.timeout_ms = 30000;
  CHECK(HealthMonitor(c, Clock::now()).timed_out_result("a", "b").output == "Health check exceeded timeout (30s)");
  CHECK(go_duration(90000) == "1m30s");
  CHECK(go_duration(500) == "500ms");
  CHECK(go_duration(1500) == "1.5s");
  CHECK(go_duration(3600000) == "1h0m0s");
}
