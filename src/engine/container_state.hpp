// The state record of one container: <container dir>/state.json, written atomically
// by the shim on every transition and read by any `stack` command (there is no daemon
// to ask). Status names and meanings are Docker's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stack::engine {

enum class Status { Created, Running, Paused, Restarting, Exited, Dead };

std::string status_name(Status s);          // "created", "running", ...
Status parse_status(const std::string& s);  // throws stack::Error for an unknown name

struct HealthResult {
  std::string start;  // RFC 3339 times
  std::string end;
  int exit_code = 0;
  std::string output;  // last 4 KiB
  bool operator==(const HealthResult&) const = default;
};

struct Health {
  std::string status = "starting";  // starting | healthy | unhealthy
  int failing_streak = 0;
  std::vector<HealthResult> log;  // the last 5 checks, oldest first
  bool operator==(const Health&) const = default;
};

struct ContainerState {
  std::string id;
  std::string name;
  Status status = Status::Created;
  int pid = 0;       // the container's init, in the host pid namespace (0 when not running)
  int shim_pid = 0;  // its supervisor
  std::string created;  // RFC 3339
  std::string started;
  std::string finished;
  int exit_code = 0;
  bool oom_killed = false;
  int restart_count = 0;
  bool stop_requested = false;  // set by stop/kill so the restart policy leaves it down
  std::string error;            // why the last start failed
  std::optional<Health> health;
  bool operator==(const ContainerState&) const = default;
};

std::string state_to_json(const ContainerState& state);
ContainerState state_from_json(const std::string& text, const std::string& origin);

// Atomic write and read of <dir>/state.json.
void save_state(const std::string& container_dir, const ContainerState& state);
ContainerState load_state(const std::string& container_dir);

}  // namespace stack::engine
