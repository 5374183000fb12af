#include "engine/shim/health_monitor.hpp"

#include "base/error.hpp"

namespace stack::engine::shim {
namespace {

constexpr size_t kMaxOutput = 4096;
constexpr size_t kKeptResults = 5;

}  // namespace

HealthMonitor::HealthMonitor(HealthcheckConfig config, Clock::time_point started)
    : config_(std::move(config)), started_(started) {
  if (config_.interval_ms <= 0) config_.interval_ms = 30000;
  if (config_.timeout_ms <= 0) config_.timeout_ms = 30000;
  if (config_.start_interval_ms <= 0) config_.start_interval_ms = 5000;
  if (config_.retries <= 0) config_.retries = 3;
  const int64_t first = in_start_period(started) ? config_.start_interval_ms : config_.interval_ms;
  next_ = started + std::chrono::milliseconds(first);
}

bool HealthMonitor::enabled(const std::optional<HealthcheckConfig>& config) {
  return config && !config->test.empty() && config->test[0] != "NONE";
}

std::vector<std::string> HealthMonitor::command() const {
  const auto& t = config_.test;
  if (t[0] == "CMD-SHELL") return {"/bin/sh", "-c", t.size() > 1 ? t[1] : ""};
  if (t[0] == "CMD") return {t.begin() + 1, t.end()};
  return t;  // a bare command line list, as some files write it
}

bool HealthMonitor::in_start_period(Clock::time_point t) const {
  return !start_period_over_ && t < started_ + std::chrono::milliseconds(config_.start_period_ms);
}

void HealthMonitor::record(Health& health, HealthResult result, Clock::time_point ended) {
  if (result.output.size() > kMaxOutput) result.output.resize(kMaxOutput);
  const bool passed = result.exit_code == 0;
  const bool starting = in_start_period(ended);
  if (passed) {
    health.status = "healthy";
    health.failing_streak = 0;
    start_period_over_ = true;
  } else if (!starting) {
    if (++health.failing_streak >= config_.retries) health.status = "unhealthy";
  }
  health.log.push_back(std::move(result));
  if (health.log.size() > kKeptResults) health.log.erase(health.log.begin());
  const int64_t wait = in_start_period(ended) ? config_.start_interval_ms : config_.interval_ms;
  next_ = ended + std::chrono::milliseconds(wait);
}

HealthResult HealthMonitor::timed_out_result(const std::string& start, const std::string& end) const {
  return HealthResult{start, end, -1, "Health check exceeded timeout (" + go_duration(config_.timeout_ms) + ")"};
}

std::string go_duration(int64_t ms) {
  if (ms == 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string out;
  const int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += std::to_string(s);
  if (rest) {
    std::string frac = std::to_string(rest + 1000).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + "s";
}

}  // namespace stack::engine::shim
