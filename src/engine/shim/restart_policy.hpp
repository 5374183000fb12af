// When the supervisor restarts a container that exited, and after how long: Docker's
// rules. Pure decision logic; the shim does the waiting and the restarting.
//   no               never
//   always           always, unless the user stopped it
//   unless-stopped   like always (the difference is at daemon/host start, not here)
//   on-failure[:N]   only on a non-zero exit code, at most N times when N is given
// A stop or kill the user asked for is never restarted. The delay doubles from 100 ms
// on each restart and goes back to 100 ms when the container had run for 10 s or more.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace stack::engine::shim {

struct RestartPolicy {
  enum class Kind { No, Always, UnlessStopped, OnFailure };
  Kind kind = Kind::No;
  std::optional<int> max_retries;  // on-failure:N
};

// "no", "always", "unless-stopped", "on-failure", "on-failure:3"; "" means "no".
// Throws stack::Error for anything else.
RestartPolicy parse_restart_policy(const std::string& text);

struct ExitFacts {
  int exit_code = 0;
  bool stop_requested = false;  // stop/kill from the user
  int restart_count = 0;        // restarts so far
  std::chrono::milliseconds ran_for{0};
};

class RestartBackoff {
 public:
  static constexpr std::chrono::milliseconds kInitial{100};
  static constexpr std::chrono::seconds kResetAfter{10};
  // The delay before the next restart, given how long the last run lasted.
  std::chrono::milliseconds next(std::chrono::milliseconds ran_for);

 private:
  std::chrono::milliseconds delay_{0};
};

bool should_restart(const RestartPolicy& policy, const ExitFacts& facts);

}  // namespace stack::engine::shim
