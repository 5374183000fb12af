// docker run's flags bound into a CreateRequest (see container_flags.hpp). Only parsing
// of the flags' own syntax lives here; the values are checked by engine::define_container.
#include "cli/container_flags.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <memory>

#include "base/duration.hpp"
#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::cli {
namespace {

using engine::CreateRequest;

CLI::Option* add_list(CLI::App& cmd, const std::string& names, std::vector<std::string>& into,
                      const std::string& description) {
  return add_list_option(cmd, names, into, description);
}

template <typename T>
CLI::Option* add_single(CLI::App& cmd, const std::string& names, T& into, const std::string& description) {
  return cmd.add_option(names, into, description)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// An optional number: set only when the flag is given.
template <typename T>
CLI::Option* add_number(CLI::App& cmd, const std::string& names, std::optional<T>& into, const std::string& description) {
  return cmd.add_option_function<T>(names, [&into](const T& value) { into = value; }, description)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

}  // namespace

CLI::Option* add_map(CLI::App& cmd, const std::string& names, std::map<std::string, std::string>& into,
                     bool bare_key_allowed, const std::string& description) {
  const std::string flag = names.substr(names.rfind(',') + 1);
  auto store = [&into, bare_key_allowed, flag](const std::vector<std::string>& entries) {
    for (const auto& entry : entries) {
      const size_t eq = entry.find('=');
      if (eq == 0 || (eq == std::string::npos && !bare_key_allowed))
        throw Error(fmt::format("invalid {} \"{}\": expected KEY=VALUE", flag, entry));
      into[entry.substr(0, eq)] = eq == std::string::npos ? "" : entry.substr(eq + 1);
    }
  };
  return cmd.add_option_function<std::vector<std::string>>(names, store, description)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

namespace {

void add_process_flags(CLI::App& cmd, CreateRequest& r) {
  add_single(cmd, "--name", r.name, "Assign a name to the container");
  // Defined before -e: callbacks run in definition order, and -e must win over the files.
  cmd.add_option_function<std::vector<std::string>>(
         "--env-file",
         [&r](const std::vector<std::string>& files) {
           for (const auto& file : files)
             for (auto& entry : read_env_file(file)) r.env.push_back(std::move(entry));
         },
         "Read in a file of environment variables")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd.add_option_function<std::vector<std::string>>(
         "-e,--env",
         [&r](const std::vector<std::string>& entries) {
           for (const auto& entry : entries)
             if (auto resolved = resolve_env_entry(entry)) r.env.push_back(*resolved);
         },
         "Set environment variables")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_single(cmd, "-w,--workdir", r.workdir, "Working directory inside the container");
  add_single(cmd, "-u,--user", r.user, "Username or UID (format: <name|uid>[:<group|gid>])");
  add_list(cmd, "--group-add", r.group_add, "Add additional groups to join");
  add_single(cmd, "-h,--hostname", r.hostname, "Container host name");
  add_single(cmd, "--domainname", r.domainname, "Container NIS domain name");
  add_map(cmd, "-l,--label", r.labels, true, "Set meta data on a container");
  cmd.add_option_function<std::string>(
         "--entrypoint",
         [&r](const std::string& value) { r.entrypoint = value.empty() ? std::vector<std::string>{} : std::vector{value}; },
         "Overwrite the default ENTRYPOINT of the image")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  const std::string rootfs_help = "The first argument is a root filesystem directory, not an image";
  cmd.add_flag("--rootfs", rootfs_help);
  cmd.add_flag("--init", r.init, "Run an init inside the container that forwards signals and reaps processes");
  cmd.add_flag("-t,--tty", r.tty, "Allocate a pseudo-TTY");
  cmd.add_flag("-i,--interactive", r.stdin_open, "Keep STDIN open even if not attached");
  cmd.add_flag("--rm", r.auto_remove, "Automatically remove the container when it exits");
  add_single(cmd, "--restart", r.restart, "Restart policy to apply when a container exits");
  add_single(cmd, "--stop-signal", r.stop_signal, "Signal to stop the container");
  add_number(cmd, "--stop-timeout", r.stop_timeout, "Timeout (in seconds) to stop a container");
  add_list(cmd, "--log-opt", r.log_opts, "Log driver options (max-size, max-file)");
}

void add_security_flags(CLI::App& cmd, CreateRequest& r) {
  cmd.add_flag("--read-only", r.read_only, "Mount the container's root filesystem as read only");
  cmd.add_flag("--privileged", r.privileged, "Give extended privileges to this container");
  add_list(cmd, "--cap-add", r.cap_add, "Add Linux capabilities");
  add_list(cmd, "--cap-drop", r.cap_drop, "Drop Linux capabilities");
  add_list(cmd, "--security-opt", r.security_opt, "Security Options");
  add_list(cmd, "-v,--volume", r.volumes, "Bind mount a volume");
  add_list(cmd, "--volumes-from", r.volumes_from, "Mount volumes from the specified container(s)");
  add_list(cmd, "--mount", r.mounts, "Attach a filesystem mount to the container");
  add_list(cmd, "--tmpfs", r.tmpfs, "Mount a tmpfs directory");
  add_list(cmd, "--device", r.devices, "Add a host device to the container");
  add_list(cmd, "--ulimit", r.ulimits, "Ulimit options");
  add_map(cmd, "--sysctl", r.sysctls, false, "Sysctl options");
  add_single(cmd, "--network,--net", r.network,
             "Connect a container to a network (default \"bridge\"; a network, none, host, container:NAME)");
}

void add_resource_flags(CLI::App& cmd, CreateRequest& r) {
  add_single(cmd, "-m,--memory", r.memory, "Memory limit");
  add_single(cmd, "--memory-reservation", r.memory_reservation, "Memory soft limit");
  add_single(cmd, "--memory-swap", r.memory_swap, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap");
  cmd.add_option_function<int64_t>(
         "--memory-swappiness",
         [&r](const int64_t& value) {
           if (value == -1) r.memory_swappiness.reset();  // docker's "unset"
           else r.memory_swappiness = value;
         },
         "Tune container memory swappiness (0 to 100)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd.add_flag("--oom-kill-disable", r.oom_kill_disable, "Disable OOM Killer");
  add_number(cmd, "--oom-score-adj", r.oom_score_adj, "Tune host's OOM preferences (-1000 to 1000)");
  add_single(cmd, "--shm-size", r.shm_size, "Size of /dev/shm");
  add_single(cmd, "--cpus", r.cpus, "Number of CPUs");
  add_number(cmd, "-c,--cpu-shares", r.cpu_shares, "CPU shares (relative weight)");
  add_number(cmd, "--cpu-quota", r.cpu_quota, "Limit CPU CFS (Completely Fair Scheduler) quota");
  add_number(cmd, "--cpu-period", r.cpu_period, "Limit CPU CFS (Completely Fair Scheduler) period");
  add_single(cmd, "--cpuset-cpus", r.cpuset_cpus, "CPUs in which to allow execution (0-3, 0,1)");
  add_single(cmd, "--cpuset-mems", r.cpuset_mems, "MEMs in which to allow execution (0-3, 0,1)");
  add_number(cmd, "--pids-limit", r.pids_limit, "Tune container pids limit (set -1 for unlimited)");
  add_number(cmd, "--blkio-weight", r.blkio_weight, "Block IO (relative weight), between 10 and 1000, or 0 to disable");
  add_single(cmd, "--cgroup-parent", r.cgroup_parent, "Optional parent cgroup for the container");
}

// A Go duration in milliseconds; 0 keeps the default (as docker: 0 means "not set").
std::optional<int64_t> duration_ms(const std::string& flag, const std::string& text) {
  int64_t ns = 0;
  try {
    ns = base::parse_duration(text);
  } catch (const Error& e) {
    throw Error(fmt::format("invalid {} \"{}\": {}", flag, text, e.what()));
  }
  if (ns < 0) throw Error(fmt::format("invalid {} \"{}\": cannot be negative", flag, text));
  if (ns == 0) return std::nullopt;
  if (ns < 1000000) throw Error(fmt::format("invalid {} \"{}\": must be at least 1ms", flag, text));
  return ns / 1000000;
}

void add_health_flags(CLI::App& cmd, CreateRequest& r) {
  // Set by any --health-* flag, so that --no-healthcheck (defined, so run, last) sees the conflict.
  auto health_given = std::make_shared<bool>(false);
  auto health = [&r, health_given]() -> engine::HealthcheckConfig& {
    *health_given = true;
    if (!r.healthcheck) r.healthcheck.emplace();
    return *r.healthcheck;
  };
  cmd.add_option_function<std::string>(
         "--health-cmd", [health](const std::string& command) { health().test = {"CMD-SHELL", command}; },
         "Command to run to check health")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  const std::vector<std::pair<std::string, int64_t engine::HealthcheckConfig::*>> durations = {
      {"--health-interval", &engine::HealthcheckConfig::interval_ms},
      {"--health-timeout", &engine::HealthcheckConfig::timeout_ms},
      {"--health-start-period", &engine::HealthcheckConfig::start_period_ms},
      {"--health-start-interval", &engine::HealthcheckConfig::start_interval_ms},
  };
  for (const auto& [flag, field] : durations) {
    cmd.add_option_function<std::string>(
           flag,
           [health, flag = flag, field = field](const std::string& text) {
             const std::optional<int64_t> ms = duration_ms(flag, text);
             engine::HealthcheckConfig& h = health();
             if (ms) h.*field = *ms;
           },
           "Health check timing (ms|s|m|h)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  cmd.add_option_function<int>(
         "--health-retries",
         [health](const int& retries) {
           if (retries < 0) throw Error(fmt::format("invalid --health-retries \"{}\": cannot be negative", retries));
           engine::HealthcheckConfig& h = health();
           if (retries > 0) h.retries = retries;
         },
         "Consecutive failures needed to report unhealthy")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd.add_flag_function(
      "--no-healthcheck",
      [&r, health_given](int64_t) {
        if (*health_given) throw Error("--no-healthcheck conflicts with --health-* options");
        r.healthcheck = engine::HealthcheckConfig{};
        r.healthcheck->test = {"NONE"};
      },
      "Disable any container-specified HEALTHCHECK");
}

}  // namespace

CLI::Option* add_list_option(CLI::App& cmd, const std::string& names, std::vector<std::string>& into,
                             const std::string& description) {
  return cmd.add_option(names, into, description)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void add_network_flags(CLI::App& cmd, NetworkFlags& f) {
  add_single(cmd, "--ip", f.ip, "IPv4 address (e.g., 172.30.100.104)");
  add_single(cmd, "--ip6", f.ip6, "IPv6 address (e.g., 2001:db8::33)");
  add_single(cmd, "--mac-address", f.mac, "Container MAC address (e.g., 92:d0:c6:0a:29:33)");
  add_list(cmd, "--network-alias", f.aliases, "Add network-scoped alias for the container");
  add_list(cmd, "--add-host", f.add_hosts, "Add a custom host-to-IP mapping (host:ip)");
  add_list(cmd, "--dns", f.dns, "Set custom DNS servers");
  add_list(cmd, "--dns-search", f.dns_search, "Set custom DNS search domains");
  add_list(cmd, "--dns-option,--dns-opt", f.dns_options, "Set DNS options");
}

void add_create_flags(CLI::App& cmd, CreateRequest& request) {
  cmd.set_help_flag("--help", "Print this help message and exit");  // -h is --hostname, as docker
  cmd.prefix_command();
  cmd.fallthrough(false);
  add_process_flags(cmd, request);
  add_security_flags(cmd, request);
  add_resource_flags(cmd, request);
  add_health_flags(cmd, request);
}

bool rootfs_given(const CLI::App& cmd) { return cmd.count("--rootfs") > 0; }
bool entrypoint_given(const CLI::App& cmd) { return cmd.count("--entrypoint") > 0; }

std::optional<std::string> resolve_env_entry(const std::string& entry) {
  if (entry.find('=') != std::string::npos) return entry;
  const char* value = std::getenv(entry.c_str());
  if (value == nullptr) return std::nullopt;
  return entry + "=" + value;
}

std::map<std::string, std::string> resolve_env_map(const std::vector<std::string>& entries) {
  std::map<std::string, std::string> out;
  for (const std::string& entry : entries) {
    if (const std::optional<std::string> kv = resolve_env_entry(entry)) {
      const size_t eq = kv->find('=');
      out[kv->substr(0, eq)] = kv->substr(eq + 1);
    }
  }
  return out;
}

std::vector<std::string> read_env_file(const std::string& path) {
  const std::string text = base::read_file(path);
  std::vector<std::string> out;
  size_t start = 0;
  for (int number = 1; start < text.size(); ++number) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 BOM
    if (!line.empty() && line.back() == '\r') line.pop_back();
    line.erase(0, line.find_first_not_of(" \t\v\f\r"));
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    const std::string key = line.substr(0, eq);
    if (key.empty()) throw Error(fmt::format("env file {} line {}: no variable name in \"{}\"", path, number, line));
    if (key.find_first_of(" \t\v\f\r") != std::string::npos)
      throw Error(fmt::format("env file {} line {}: variable \"{}\" contains whitespace", path, number, key));
    if (auto resolved = resolve_env_entry(line)) out.push_back(*resolved);
  }
  return out;
}

}  // namespace stack::cli
