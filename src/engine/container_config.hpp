// What a container is beyond its runtime spec: its name and origin, and what its
// supervisor needs (restart policy, healthcheck, logging, stop signal, terminal).
// <container dir>/config.json, written once by `create` and read by stack-shim and by
// every listing command. The runtime spec (spec.json) says how to run the process.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stack::engine {

struct HealthcheckConfig {
  // ["CMD", "arg0", ...], ["CMD-SHELL", "command line"] or ["NONE"] (as compose and Docker).
  std::vector<std::string> test;
  int64_t interval_ms = 30000;
  int64_t timeout_ms = 30000;
  int64_t start_period_ms = 0;
  int64_t start_interval_ms = 5000;
  int retries = 3;
  bool operator==(const HealthcheckConfig&) const = default;
};

struct LogConfig {
  uint64_t max_size = 0;  // bytes; 0: never rotate
  int max_file = 1;
  bool operator==(const LogConfig&) const = default;
};

struct ContainerConfig {
  std::string id;    // 64 hex digits
  std::string name;  // unique among containers
  std::string image;   // the image reference it was made from ("" for a local rootfs)
  std::string image_id;  // that image's id ("sha256:..."), "" for a local rootfs
  std::string rootfs;  // the local root filesystem directory, when not an image
  std::string created;  // RFC 3339
  std::map<std::string, std::string> labels;
  std::string restart_policy = "no";  // restart_policy.hpp syntax
  std::optional<HealthcheckConfig> healthcheck;  // none, or test ["NONE"]: no checks
  LogConfig log;
  std::string stop_signal = "SIGTERM";
  int stop_timeout = 10;  // seconds between the stop signal and SIGKILL
  bool init = false;      // the process runs under tini (spec args already include it)
  bool tty = false;
  bool stdin_open = false;
  bool auto_remove = false;  // `run --rm`: removed by its shim once it exited for good
  // The named volumes it mounts (src/vol): `volume rm` and `prune` refuse or skip them.
  std::vector<std::string> volumes;
  bool operator==(const ContainerConfig&) const = default;
};

std::string config_to_json(const ContainerConfig& config);
// Throws stack::Error naming `origin` on malformed JSON.
ContainerConfig config_from_json(const std::string& text, const std::string& origin);

// <dir>/config.json, written atomically (without fsync: see Containers::create).
void save_config(const std::string& container_dir, const ContainerConfig& config);
ContainerConfig load_config(const std::string& container_dir);

// "SIGTERM", "TERM", "15" -> 15. Throws stack::Error for an unknown signal.
int parse_signal(const std::string& text);
std::string signal_name(int signal);  // 15 -> "SIGTERM"

}  // namespace stack::engine
