// The typed compose model: what the loader produces and every other module reads.
//
// Field names follow the Compose Specification keys (snake_case) so the codec's
// field tables read like the spec. After normalization (normalize.hpp):
//   - every short syntax is in its long form (ports, volumes, depends_on, secrets...),
//   - paths are absolute, durations are nanoseconds, sizes are bytes,
//   - each service has at least the "default" network unless network_mode is set,
//   - networks and volumes carry their engine name (`project_name` unless name:/external).
// Keys the spec has but a single Linux host cannot apply are kept verbatim in `extras`
// (so `stack config` prints them back) and were warned about when loaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compose/node.hpp"

namespace stack::compose {

using StringMap = std::map<std::string, std::string>;
// Environment-like maps where a bare `KEY` may stay unset (printed as null).
using OptionalStringMap = std::map<std::string, std::optional<std::string>>;
// x-* keys and accepted-but-unmodelled keys, kept verbatim.
using Extras = std::map<std::string, Node>;

using Nanoseconds = int64_t;
using Bytes = int64_t;

struct ServicePort {
  std::string name;
  std::string mode = "ingress";
  std::string host_ip;
  uint32_t target = 0;
  std::string published;  // "" (random host port), "8080" or a range "8000-8010"
  std::string protocol = "tcp";
  std::string app_protocol;
  bool operator==(const ServicePort&) const = default;
};

struct BindOptions {
  std::string propagation;
  std::optional<bool> create_host_path;
  std::string selinux;  // "z" or "Z"
  bool operator==(const BindOptions&) const = default;
};

struct VolumeOptions {
  bool nocopy = false;
  std::string subpath;
  bool operator==(const VolumeOptions&) const = default;
};

struct TmpfsOptions {
  std::optional<Bytes> size;
  std::optional<uint32_t> mode;
  bool operator==(const TmpfsOptions&) const = default;
};

struct ImageOptions {
  std::string subpath;
  bool operator==(const ImageOptions&) const = default;
};

struct ServiceVolume {
  std::string type;    // "bind", "volume", "tmpfs", "image", "npipe", "cluster"
  std::string source;  // host path (bind, absolute), volume name (key in Project::volumes), "" (anonymous/tmpfs)
  std::string target;
  bool read_only = false;
  std::string consistency;
  std::optional<BindOptions> bind;
  std::optional<VolumeOptions> volume;
  std::optional<TmpfsOptions> tmpfs;
  std::optional<ImageOptions> image;
  bool operator==(const ServiceVolume&) const = default;
};

struct ServiceDependency {
  std::string condition = "service_started";  // service_started|service_healthy|service_completed_successfully
  bool restart = false;
  bool required = true;
  bool operator==(const ServiceDependency&) const = default;
};

struct ServiceNetwork {
  std::vector<std::string> aliases;
  std::string ipv4_address;
  std::string ipv6_address;
  std::vector<std::string> link_local_ips;
  std::string mac_address;
  std::string interface_name;
  std::optional<int64_t> priority;
  std::optional<int64_t> gw_priority;
  StringMap driver_opts;
  bool operator==(const ServiceNetwork&) const = default;
};

struct Healthcheck {
  std::vector<std::string> test;  // ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]
  std::optional<Nanoseconds> interval;
  std::optional<Nanoseconds> timeout;
  std::optional<Nanoseconds> start_period;
  std::optional<Nanoseconds> start_interval;
  std::optional<uint64_t> retries;
  bool disable = false;
  bool operator==(const Healthcheck&) const = default;
};

struct Ulimit {
  std::optional<int64_t> single;  // `nofile: 1024` sets soft and hard alike
  int64_t soft = 0;
  int64_t hard = 0;
  bool operator==(const Ulimit&) const = default;
};

struct Logging {
  std::string driver;
  StringMap options;
  bool operator==(const Logging&) const = default;
};

struct DeviceMapping {  // `devices:` entries, "host[:container[:perms]]"
  std::string source;
  std::string target;
  std::string permissions = "rwm";
  bool operator==(const DeviceMapping&) const = default;
};

struct DeviceRequest {  // deploy.resources.reservations.devices / gpus
  std::vector<std::string> capabilities;
  std::string driver;
  std::optional<int64_t> count;  // -1 means "all"
  std::vector<std::string> device_ids;
  StringMap options;
  bool operator==(const DeviceRequest&) const = default;
};

struct Resource {
  std::optional<double> cpus;
  std::optional<Bytes> memory;
  std::optional<int64_t> pids;
  std::vector<DeviceRequest> devices;
  bool operator==(const Resource&) const = default;
};

struct RestartPolicy {
  std::string condition;
  std::optional<Nanoseconds> delay;
  std::optional<uint64_t> max_attempts;
  std::optional<Nanoseconds> window;
  bool operator==(const RestartPolicy&) const = default;
};

struct Deploy {
  std::string mode;
  std::optional<int64_t> replicas;
  StringMap labels;
  std::optional<Resource> limits;        // deploy.resources.limits
  std::optional<Resource> reservations;  // deploy.resources.reservations
  std::optional<RestartPolicy> restart_policy;
  Extras extras;  // placement, update_config, rollback_config, endpoint_mode: swarm-only
  bool operator==(const Deploy&) const = default;
};

struct ThrottleDevice {
  std::string path;
  uint64_t rate = 0;  // bytes per second, or operations per second for iops
  bool operator==(const ThrottleDevice&) const = default;
};

struct WeightDevice {
  std::string path;
  uint16_t weight = 0;
  bool operator==(const WeightDevice&) const = default;
};

struct BlkioConfig {
  std::optional<uint16_t> weight;
  std::vector<WeightDevice> weight_device;
  std::vector<ThrottleDevice> device_read_bps;
  std::vector<ThrottleDevice> device_read_iops;
  std::vector<ThrottleDevice> device_write_bps;
  std::vector<ThrottleDevice> device_write_iops;
  bool operator==(const BlkioConfig&) const = default;
};

struct FileReference {  // services.*.secrets[] and services.*.configs[]
  std::string source;
  std::string target;
  std::string uid;
  std::string gid;
  std::optional<uint32_t> mode;
  bool operator==(const FileReference&) const = default;
};

struct BuildConfig {
  std::string context;  // absolute path, or a URL (git, http)
  std::string dockerfile;
  std::string dockerfile_inline;
  OptionalStringMap args;
  std::vector<std::string> ssh;
  std::vector<std::string> cache_from;
  std::vector<std::string> cache_to;
  bool no_cache = false;
  StringMap additional_contexts;
  std::string network;
  bool pull = false;
  std::string target;
  std::optional<Bytes> shm_size;
  std::vector<std::pair<std::string, std::string>> extra_hosts;  // (host, address)
  std::string isolation;
  bool privileged = false;
  std::vector<FileReference> secrets;
  std::vector<std::string> tags;
  std::map<std::string, Ulimit> ulimits;
  std::vector<std::string> platforms;
  StringMap labels;
  bool operator==(const BuildConfig&) const = default;
};

struct EnvFile {  // services.*.env_file entries; folded into `environment` by normalize
  std::string path;
  bool required = true;
  std::string format;
  bool operator==(const EnvFile&) const = default;
};

struct Service {
  std::string name;  // the key under `services:`

  std::optional<bool> attach;
  std::optional<BlkioConfig> blkio_config;
  std::optional<BuildConfig> build;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::string cgroup;  // "host" | "private"
  std::string cgroup_parent;
  std::optional<std::vector<std::string>> command;     // unset vs [] matters
  std::optional<std::vector<std::string>> entrypoint;  // unset vs [] matters
  std::vector<FileReference> configs;
  std::string container_name;
  std::optional<int64_t> cpu_count;
  std::optional<double> cpu_percent;
  std::optional<int64_t> cpu_period;
  std::optional<int64_t> cpu_quota;
  std::optional<int64_t> cpu_rt_period;
  std::optional<int64_t> cpu_rt_runtime;
  std::optional<int64_t> cpu_shares;
  std::optional<double> cpus;
  std::string cpuset;
  std::map<std::string, ServiceDependency> depends_on;
  std::optional<Deploy> deploy;
  std::vector<std::string> device_cgroup_rules;
  std::vector<DeviceMapping> devices;
  std::vector<std::string> dns;
  std::vector<std::string> dns_opt;
  std::vector<std::string> dns_search;
  std::string domainname;
  std::vector<EnvFile> env_file;  // empty after normalize (folded into environment)
  OptionalStringMap environment;  // after normalize: env_file content folded in, environment wins
  std::vector<std::string> expose;
  std::vector<std::string> external_links;
  std::vector<std::pair<std::string, std::string>> extra_hosts;  // (host, address)
  std::vector<DeviceRequest> gpus;
  std::vector<std::string> group_add;
  std::optional<Healthcheck> healthcheck;
  std::string hostname;
  std::string image;
  std::optional<bool> init;
  std::string ipc;
  StringMap labels;
  std::vector<std::string> label_file;  // empty after normalize (folded into labels)
  std::vector<std::string> links;
  std::optional<Logging> logging;
  std::string mac_address;
  std::optional<Bytes> mem_limit;
  std::optional<Bytes> mem_reservation;
  std::optional<int64_t> mem_swappiness;
  std::optional<Bytes> memswap_limit;  // -1 = unlimited
  std::string network_mode;
  std::map<std::string, std::optional<ServiceNetwork>> networks;
  bool oom_kill_disable = false;
  std::optional<int64_t> oom_score_adj;
  std::string pid;
  std::optional<int64_t> pids_limit;
  std::string platform;
  std::vector<ServicePort> ports;
  bool privileged = false;
  std::vector<std::string> profiles;
  std::string pull_policy;
  bool read_only = false;
  std::string restart;
  std::string runtime;
  std::optional<int64_t> scale;
  std::vector<FileReference> secrets;
  std::vector<std::string> security_opt;
  std::optional<Bytes> shm_size;
  bool stdin_open = false;
  std::optional<Nanoseconds> stop_grace_period;
  std::string stop_signal;
  StringMap storage_opt;
  StringMap sysctls;
  std::vector<std::string> tmpfs;
  bool tty = false;
  std::map<std::string, Ulimit> ulimits;
  std::string user;
  std::string userns_mode;
  std::string uts;
  std::vector<ServiceVolume> volumes;
  std::vector<std::string> volumes_from;
  std::string working_dir;

  Extras extensions;  // x-* keys
  Extras extras;      // accepted, not applied on one host (isolation, credential_spec, develop, ...)

  bool operator==(const Service&) const = default;
};

struct IpamPool {
  std::string subnet;
  std::string ip_range;
  std::string gateway;
  StringMap aux_addresses;
  bool operator==(const IpamPool&) const = default;
};

struct Ipam {
  std::string driver;
  std::vector<IpamPool> config;
  StringMap options;
  bool operator==(const Ipam&) const = default;
};

struct Network {
  std::string key;   // the key under `networks:`
  std::string name;  // engine name: `project_key` unless name: or external
  std::string driver;
  StringMap driver_opts;
  std::optional<Ipam> ipam;
  bool external = false;
  bool internal = false;
  bool attachable = false;
  std::optional<bool> enable_ipv4;
  std::optional<bool> enable_ipv6;
  StringMap labels;
  Extras extensions;
  bool operator==(const Network&) const = default;
};

struct Volume {
  std::string key;
  std::string name;  // engine name: `project_key` unless name: or external
  std::string driver;
  StringMap driver_opts;
  bool external = false;
  StringMap labels;
  Extras extensions;
  bool operator==(const Volume&) const = default;
};

// Top-level `secrets:` and `configs:` entries.
struct FileObject {
  std::string key;
  std::string name;
  std::string file;         // absolute path
  std::string environment;  // variable whose value is the content
  std::string content;      // configs only: inline content
  bool external = false;
  StringMap labels;
  std::string driver;
  StringMap driver_opts;
  std::string template_driver;
  Extras extensions;
  bool operator==(const FileObject&) const = default;
};

struct Project {
  std::string name;
  std::string working_dir;                // absolute project directory
  std::vector<std::string> config_files;  // absolute paths ("-" for stdin)
  std::map<std::string, Service> services;
  std::map<std::string, Service> disabled_services;  // switched off by profiles
  std::map<std::string, Network> networks;
  std::map<std::string, Volume> volumes;
  std::map<std::string, FileObject> secrets;
  std::map<std::string, FileObject> configs;
  Extras extensions;  // top-level x-* keys
  StringMap environment;  // the variables interpolation used (shell over .env)

  bool operator==(const Project&) const = default;
};

}  // namespace stack::compose
