// From what a user asks for (`stack container create/run` flags, like `docker run`'s)
// to the two documents of a container: the runtime spec and the container config,
// with Docker's defaults filled in. Nothing is written; the host is only looked at where
// Docker looks too (a bind's host path and a --device node must exist, a seccomp profile
// must be readable, the host's hostname with --network host), so that `create` fails
// rather than the start. The orchestrator will fill a CreateRequest from a compose
// service the same way.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/container_config.hpp"
#include "engine/layout.hpp"
#include "engine/runtime/spec.hpp"

namespace stack::engine {

struct CreateRequest {
  std::string id;        // "" -> a new random id (the orchestrator picks it first, to prepare the network)
  std::string name;      // "" -> a generated name
  std::string rootfs;    // a local root filesystem directory (the single lower layer)
  std::string image;     // an image reference (images are resolved by the caller into lower_dirs)
  std::string image_id;  // its id ("sha256:..."), recorded so the image is not removed under it
  std::vector<std::string> lower_dirs;  // image layers, topmost first (when image is set)
  std::vector<std::string> entrypoint;  // image or --entrypoint
  std::vector<std::string> command;     // image Cmd or the arguments after the image
  std::vector<std::string> env;         // "KEY=value", later ones win
  std::string workdir;
  std::string user;
  std::vector<std::string> group_add;
  std::string hostname;
  std::string domainname;
  std::map<std::string, std::string> labels;
  bool read_only = false;
  bool privileged = false;
  bool init = false;
  bool tty = false;
  bool stdin_open = false;
  bool auto_remove = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;  // "no-new-privileges[:true]", "seccomp=unconfined|PATH"
  std::vector<std::string> volumes;       // "/host:/ctr[:ro|rw|...]" bind mounts
  // The named volumes among them, already resolved by the caller to their host
  // directories in `volumes`: recorded in the config so that no volume in use is removed.
  std::vector<std::string> named_volumes;
  // --mount specs: written into `volumes` and `tmpfs` by the caller (vol/mount_flag.hpp)
  // before the request reaches the engine, which reads only those two.
  std::vector<std::string> mounts;
  // --volumes-from "container[:ro|:rw]": resolved by the caller into `volumes` and
  // `named_volumes` (engine/volumes_from.hpp); the engine reads neither.
  std::vector<std::string> volumes_from;
  std::vector<std::string> tmpfs;         // "/path[:size=64m,mode=1777]"
  std::vector<std::string> devices;       // "/dev/x[:/dev/y[:rwm]]"
  std::vector<std::string> ulimits;       // "nofile=1024[:2048]"
  std::map<std::string, std::string> sysctls;
  std::string network = "none";           // "none" (loopback only), "host", or a netns path
  // Resources, in the units docker run takes them ("512m", "1.5", ...), parsed here.
  std::string memory, memory_reservation, memory_swap, shm_size;
  std::optional<int64_t> memory_swappiness;
  bool oom_kill_disable = false;
  std::optional<int> oom_score_adj;
  std::string cpus;
  std::optional<uint64_t> cpu_shares;
  std::optional<int64_t> cpu_quota;
  std::optional<uint64_t> cpu_period;
  std::string cpuset_cpus, cpuset_mems;
  std::optional<int64_t> pids_limit;
  std::optional<uint16_t> blkio_weight;
  std::string cgroup_parent;
  std::string restart = "no";
  std::string stop_signal;            // "" -> SIGTERM
  std::optional<int> stop_timeout;    // seconds; default 10
  std::vector<std::string> log_opts;  // "max-size=10m", "max-file=3"
  // --health-cmd (CMD-SHELL), or a full test; --no-healthcheck -> ["NONE"].
  std::optional<HealthcheckConfig> healthcheck;
};

struct ContainerDefinition {
  runtime::Spec spec;
  ContainerConfig config;
};

// Checks and translates a request for the container `id` (its directories come from
// `layout`). Throws stack::Error naming the flag and the value that is wrong
// ("invalid --memory \"12q\": ...", "no command specified").
ContainerDefinition define_container(const CreateRequest& request, const Layout& layout, const std::string& id);

}  // namespace stack::engine
