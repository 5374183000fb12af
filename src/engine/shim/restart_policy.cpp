#include "engine/shim/restart_policy.hpp"

#include <charconv>

#include "base/error.hpp"

namespace stack::engine::shim {

RestartPolicy parse_restart_policy(const std::string& text) {
  RestartPolicy p;
  if (text.empty() || text == "no") return p;
  if (text == "always") {
    p.kind = RestartPolicy::Kind::Always;
  } else if (text == "unless-stopped") {
    p.kind = RestartPolicy::Kind::UnlessStopped;
  } else if (text.rfind("on-failure", 0) == 0) {
    p.kind = RestartPolicy::Kind::OnFailure;
    if (text.size() > 10) {
      int n = -1;
      const char* begin = text.data() + 11;
      auto [end, ec] = std::from_chars(begin, text.data() + text.size(), n);
      if (text[10] != ':' || ec != std::errc() || end != text.data() + text.size() || n < 0)
        throw Error("invalid restart policy \"" + text + "\": the maximum retry count must be a non-negative integer");
      p.max_retries = n;
    }
  } else {
    throw Error("invalid restart policy \"" + text + "\": use no, always, on-failure[:max-retries] or unless-stopped");
  }
  return p;
}

bool should_restart(const RestartPolicy& policy, const ExitFacts& facts) {
  if (facts.stop_requested) return false;
  switch (policy.kind) {
    case RestartPolicy::Kind::No: return false;
    case RestartPolicy::Kind::Always:
    case RestartPolicy::Kind::UnlessStopped: return true;
    case RestartPolicy::Kind::OnFailure:
      if (facts.exit_code == 0) return false;
      return !policy.max_retries || facts.restart_count < *policy.max_retries;
  }
  return false;
}

std::chrono::milliseconds RestartBackoff::next(std::chrono::milliseconds ran_for) {
  if (delay_.count() == 0 || ran_for >= kResetAfter) {
    delay_ = kInitial;
  } else {
    delay_ *= 2;
  }
  return delay_;
}

}  // namespace stack::engine::shim
