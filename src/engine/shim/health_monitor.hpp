// The healthcheck rules of Docker, as pure decisions the shim acts on:
//  - during start_period, checks run every start_interval and failures do not count
//    (a success ends the start period: the container is healthy);
//  - afterwards every interval; `retries` consecutive failures make it unhealthy, one
//    success makes it healthy again;
//  - a check that runs past timeout fails with "Health check exceeded timeout (30s)";
//  - the state keeps the last 5 results, output cut to 4 KiB.
#pragma once

#include <chrono>
#include <string>

#include "engine/container_config.hpp"
#include "engine/container_state.hpp"

namespace stack::engine::shim {

using Clock = std::chrono::steady_clock;

class HealthMonitor {
 public:
  // `config` must have a test other than NONE (see enabled()).
  HealthMonitor(HealthcheckConfig config, Clock::time_point started);

  static bool enabled(const std::optional<HealthcheckConfig>& config);

  // When the next check is due (after the previous one ended, or the start).
  Clock::time_point next_check() const { return next_; }
  std::chrono::milliseconds timeout() const { return std::chrono::milliseconds(config_.timeout_ms); }
  // The command to run in the container: CMD args as given, CMD-SHELL through /bin/sh -c.
  std::vector<std::string> command() const;

  // Records a finished check into `health` and schedules the next one.
  void record(Health& health, HealthResult result, Clock::time_point ended);
  // The result of a check that ran past its timeout.
  HealthResult timed_out_result(const std::string& start, const std::string& end) const;

 private:
  bool in_start_period(Clock::time_point t) const;

  HealthcheckConfig config_;
  Clock::time_point started_;
  Clock::time_point next_;
  bool start_period_over_ = false;
};

// Go's rendering of a duration in milliseconds ("30s", "1m30s", "500ms").
std::string go_duration(int64_t ms);

}  // namespace stack::engine::shim
