// The container spec: everything the runtime needs to make one container, close to
// the OCI runtime spec (config.json) but only what a single-host engine uses.
// The orchestrator fills it from a compose service; the shim reads it from
// <container dir>/spec.json (spec_json.hpp). Plain data: no kernel objects here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stack::engine::runtime {

struct Rlimit {
  std::string type;  // "nofile", "nproc", "core", ... (as in compose `ulimits`)
  uint64_t soft = 0;
  uint64_t hard = 0;
  bool operator==(const Rlimit&) const = default;
};

struct Process {
  std::vector<std::string> args;  // args[0] is looked up in the container's PATH unless it has a '/'
  std::vector<std::string> env;   // "KEY=value"
  std::string cwd = "/";
  std::string user;                    // "", "name", "uid", "name:group", "uid:gid" (resolved in the rootfs)
  std::vector<std::string> group_add;  // extra groups by name or id
  bool terminal = false;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  // The capability set the process gets (names like "CAP_CHOWN"); caps.hpp computes it
  // from Docker's default set, cap_add, cap_drop and privileged.
  std::vector<std::string> capabilities;
  std::optional<int> oom_score_adj;
  bool operator==(const Process&) const = default;
};

struct Root {
  std::vector<std::string> lower_dirs;  // image layers, topmost first (overlay's lowerdir order)
  std::string upper_dir;                // per container; empty with read_only and one lower: plain ro bind
  std::string work_dir;
  bool read_only = false;
  bool operator==(const Root&) const = default;
};

// A mount inside the container. type "bind" (options rbind/bind, ro, rprivate...),
// "tmpfs" (options size=, mode=), or a filesystem type (proc, mqueue...).
struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;  // "ro", "rw", "nosuid", "nodev", "noexec", "rbind", "bind",
                                     // "rprivate"/"private"/"rshared"/"shared"/"rslave"/"slave",
                                     // "size=64m", "mode=1777", and other fs data options
  bool operator==(const Mount&) const = default;
};

// A namespace of the container: created new when `path` is empty, joined otherwise
// (e.g. the network namespace net/ prepares, or another container's for service:x).
struct Namespace {
  std::string type;  // "mount", "uts", "ipc", "pid", "network", "cgroup"
  std::string path;
  bool operator==(const Namespace&) const = default;
};

struct Device {  // a device node made in the container's /dev (`devices:` in compose)
  std::string path;            // in the container
  char type = 'c';             // 'c' or 'b'
  int64_t major = 0;
  int64_t minor = 0;
  uint32_t file_mode = 0666;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string permissions = "rwm";  // cgroup device access
  bool operator==(const Device&) const = default;
};

struct ThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
  bool operator==(const ThrottleDevice&) const = default;
};

struct WeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint16_t weight = 0;
  bool operator==(const WeightDevice&) const = default;
};

struct Resources {
  std::optional<int64_t> memory_limit;        // bytes
  std::optional<int64_t> memory_reservation;  // bytes (soft limit)
  std::optional<int64_t> memory_swap;         // memory+swap in bytes; -1 unlimited
  std::optional<int64_t> memory_swappiness;   // 0..100
  bool oom_kill_disable = false;
  std::optional<uint64_t> cpu_shares;         // v1 shares (2..262144); converted to weight on v2
  std::optional<int64_t> cpu_quota;           // microseconds per period
  std::optional<uint64_t> cpu_period;         // microseconds (default 100000)
  std::string cpuset_cpus;
  std::string cpuset_mems;
  std::optional<int64_t> pids_limit;          // -1 or 0 unlimited
  std::optional<uint16_t> blkio_weight;
  std::vector<WeightDevice> blkio_weight_device;
  std::vector<ThrottleDevice> blkio_read_bps;
  std::vector<ThrottleDevice> blkio_write_bps;
  std::vector<ThrottleDevice> blkio_read_iops;
  std::vector<ThrottleDevice> blkio_write_iops;
  bool operator==(const Resources&) const = default;
};

struct Spec {
  Process process;
  Root root;
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;  // after the rootfs, in order (parents before children)
  std::vector<Namespace> namespaces;
  std::map<std::string, std::string> sysctl;  // "net.core.somaxconn" -> "1024"
  Resources resources;
  std::string cgroup_parent = "stack";  // under each controller's root (v1) or the unified root (v2)
  // "" = Docker's default profile, "unconfined", or the path of a Docker-format JSON profile.
  std::string seccomp_profile;
  std::vector<std::string> masked_paths;    // empty: Docker's defaults (see defaults.hpp)
  std::vector<std::string> readonly_paths;  // empty: Docker's defaults
  std::vector<Device> devices;
  bool privileged = false;  // no masked/readonly paths, all host devices, unconfined seccomp
  int64_t shm_size = 64 * 1024 * 1024;
  bool operator==(const Spec&) const = default;
};

}  // namespace stack::engine::runtime
