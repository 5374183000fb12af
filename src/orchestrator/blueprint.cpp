#include "orchestrator/blueprint.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "base/error.hpp"
#include "compose/hash.hpp"
#include "orchestrator/labels.hpp"

namespace stack::orchestrator {
namespace {

using compose::Project;
using compose::Service;

Error service_error(const Service& s, const std::string& key, const std::string& why) {
  return Error("service \"" + s.name + "\": " + key + ": " + why);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

int64_t ns_to_ms(int64_t ns) { return ns / 1000000; }

void take_process(const Service& s, engine::CreateRequest& r, Blueprint& b) {
  if (s.entrypoint) {
    r.entrypoint = *s.entrypoint;
    b.entrypoint_given = true;
  }
  if (s.command) r.command = *s.command;
  for (const auto& [key, value] : s.environment)
    if (value) r.env.push_back(key + "=" + *value);  // a bare KEY left unset stays unset
  r.workdir = s.working_dir;
  r.user = s.user;
  r.group_add = s.group_add;
  r.hostname = s.hostname;
  r.domainname = s.domainname;
  r.privileged = s.privileged;
  r.read_only = s.read_only;
  r.init = s.init.value_or(false);
  r.tty = s.tty;
  r.stdin_open = s.stdin_open;
  r.cap_add = s.cap_add;
  r.cap_drop = s.cap_drop;
  r.security_opt = s.security_opt;
  r.sysctls = s.sysctls;
  r.stop_signal = s.stop_signal;
  if (s.stop_grace_period) r.stop_timeout = static_cast<int>(*s.stop_grace_period / 1000000000);
  for (const auto& [name, u] : s.ulimits)
    r.ulimits.push_back(u.single ? fmt::format("{}={}", name, *u.single) : fmt::format("{}={}:{}", name, u.soft, u.hard));
  for (const compose::DeviceMapping& d : s.devices)
    r.devices.push_back(d.source + ":" + (d.target.empty() ? d.source : d.target) + ":" + d.permissions);
  if (s.logging) {
    for (const auto& [key, value] : s.logging->options)
      if (key == "max-size" || key == "max-file") r.log_opts.push_back(key + "=" + value);
  }
}

void take_resources(const Service& s, engine::CreateRequest& r) {
  std::optional<compose::Resource> limits = s.deploy ? s.deploy->limits : std::nullopt;
  std::optional<compose::Resource> reservations = s.deploy ? s.deploy->reservations : std::nullopt;
  if (s.mem_limit) r.memory = std::to_string(*s.mem_limit);
  else if (limits && limits->memory) r.memory = std::to_string(*limits->memory);
  if (s.mem_reservation) r.memory_reservation = std::to_string(*s.mem_reservation);
  else if (reservations && reservations->memory) r.memory_reservation = std::to_string(*reservations->memory);
  if (s.memswap_limit) r.memory_swap = std::to_string(*s.memswap_limit);
  if (s.shm_size) r.shm_size = std::to_string(*s.shm_size);
  r.memory_swappiness = s.mem_swappiness;
  r.oom_kill_disable = s.oom_kill_disable;
  if (s.oom_score_adj) r.oom_score_adj = static_cast<int>(*s.oom_score_adj);
  if (s.cpus) r.cpus = fmt::format("{}", *s.cpus);
  else if (limits && limits->cpus) r.cpus = fmt::format("{}", *limits->cpus);
  if (s.cpu_shares) r.cpu_shares = static_cast<uint64_t>(*s.cpu_shares);
  r.cpu_quota = s.cpu_quota;
  if (s.cpu_period) r.cpu_period = static_cast<uint64_t>(*s.cpu_period);
  r.cpuset_cpus = s.cpuset;
  r.pids_limit = s.pids_limit;
  if (!r.pids_limit && limits && limits->pids) r.pids_limit = limits->pids;
  if (s.blkio_config) r.blkio_weight = s.blkio_config->weight;
  r.cgroup_parent = s.cgroup_parent;
}

std::string restart_policy(const Service& s) {
  if (!s.restart.empty()) return s.restart;
  if (!s.deploy || !s.deploy->restart_policy) return "no";
  const compose::RestartPolicy& p = *s.deploy->restart_policy;
  if (p.condition == "none") return "no";
  if (p.condition == "on-failure")
    return p.max_attempts ? fmt::format("on-failure:{}", *p.max_attempts) : std::string("on-failure");
  return "always";  // "any", or no condition: swarm's default
}

std::optional<engine::HealthcheckConfig> healthcheck(const Service& s) {
  if (!s.healthcheck) return std::nullopt;
  const compose::Healthcheck& h = *s.healthcheck;
  engine::HealthcheckConfig c;
  if (h.disable) {
    c.test = {"NONE"};
    return c;
  }
  if (h.test.empty()) return std::nullopt;  // timings alone: the image's test (not merged here)
  c.test = h.test;
  if (h.interval) c.interval_ms = ns_to_ms(*h.interval);
  if (h.timeout) c.timeout_ms = ns_to_ms(*h.timeout);
  if (h.start_period) c.start_period_ms = ns_to_ms(*h.start_period);
  if (h.start_interval) c.start_interval_ms = ns_to_ms(*h.start_interval);
  if (h.retries) c.retries = static_cast<int>(*h.retries);
  return c;
}

void take_labels(const Project& p, const Service& s, int number, engine::CreateRequest& r) {
  r.labels = s.labels;
  r.labels[labels::kProject] = p.name;
  r.labels[labels::kService] = s.name;
  r.labels[labels::kNumber] = std::to_string(number);
  r.labels[labels::kConfigHash] = compose::service_config_hash(s);
  r.labels[labels::kOneoff] = "False";
  r.labels[labels::kWorkingDir] = p.working_dir;
  r.labels[labels::kConfigFiles] = join(p.config_files, ",");
}

std::string volume_options(const compose::ServiceVolume& v) {
  std::vector<std::string> words;
  if (v.read_only) words.push_back("ro");
  if (v.bind && !v.bind->propagation.empty()) words.push_back(v.bind->propagation);
  if (v.volume && v.volume->nocopy) words.push_back("nocopy");
  return join(words, ",");
}

void take_volume(const Project& p, const Service& s, const compose::ServiceVolume& v, Blueprint& b) {
  const std::string options = volume_options(v);
  const std::string suffix = options.empty() ? "" : ":" + options;
  if (v.type == "bind") {
    b.request.volumes.push_back(v.source + ":" + v.target + suffix);
    // As compose: the short syntax creates a missing source directory; the long syntax
    // only with bind.create_host_path: true, else a missing source is the engine's error.
    if (v.bind && v.bind->create_host_path.value_or(false)) b.create_host_paths.push_back(v.source);
  } else if (v.type == "volume" && v.source.empty()) {
    b.volumes.push_back({VolumeNeed::Kind::Anonymous, "", v.target, options});
  } else if (v.type == "volume") {
    auto it = p.volumes.find(v.source);
    b.volumes.push_back({VolumeNeed::Kind::Named, it == p.volumes.end() ? v.source : it->second.name, v.target, options});
  } else if (v.type == "tmpfs") {
    std::vector<std::string> words;
    if (v.tmpfs && v.tmpfs->size) words.push_back(fmt::format("size={}", *v.tmpfs->size));
    if (v.tmpfs && v.tmpfs->mode) words.push_back(fmt::format("mode={:o}", *v.tmpfs->mode));
    b.request.tmpfs.push_back(v.target + (words.empty() ? "" : ":" + join(words, ",")));
  } else {
    throw service_error(s, "volumes", "volume type \"" + v.type + "\" is not supported on this engine");
  }
}

// "svc", "svc:ro", "service:svc[:ro]", "container:name[:ro]" -> "service:svc[:ro]" / "container:name[:ro]".
std::string volumes_from_entry(const std::string& value) {
  if (value.rfind("service:", 0) == 0 || value.rfind("container:", 0) == 0) return value;
  return "service:" + value;
}

void take_network(const Project& p, const Service& s, const std::string& name, Blueprint& b) {
  b.etc.hostname = s.hostname;
  b.etc.domainname = s.domainname;
  for (const auto& [host, address] : s.extra_hosts) b.etc.extra_hosts.push_back(host + ":" + address);
  b.etc.dns = s.dns;
  b.etc.dns_search = s.dns_search;
  b.etc.dns_opt = s.dns_opt;
  if (!s.network_mode.empty() && s.network_mode != "bridge") {
    b.network_mode = s.network_mode;
    return;
  }
  for (const auto& [key, config] : s.networks) {
    net::Attachment a;
    auto it = p.networks.find(key);
    a.network = it == p.networks.end() ? key : it->second.name;
    a.aliases.push_back(s.name);
    if (config) {
      for (const std::string& alias : config->aliases)
        if (std::find(a.aliases.begin(), a.aliases.end(), alias) == a.aliases.end()) a.aliases.push_back(alias);
      a.ipv4_address = config->ipv4_address;
      a.ipv6_address = config->ipv6_address;
      a.mac_address = config->mac_address;
      a.priority = static_cast<int>(config->priority.value_or(0));
    }
    if (a.mac_address.empty()) a.mac_address = s.mac_address;
    b.attachments.push_back(std::move(a));
  }
  // Highest priority first (eth0), then by name, as compose orders them.
  std::stable_sort(b.attachments.begin(), b.attachments.end(),
                   [](const net::Attachment& x, const net::Attachment& y) { return x.priority > y.priority; });
  if (b.attachments.empty()) b.network_mode = "none";
  (void)name;
}

}  // namespace

std::string container_name(const Project& project, const Service& service, int number) {
  if (!service.container_name.empty()) return service.container_name;
  return project.name + "-" + service.name + "-" + std::to_string(number);
}

net::PortSpec port_spec(const compose::ServicePort& port) {
  net::PortSpec spec;
  spec.host_ip = port.host_ip;
  spec.protocol = port.protocol.empty() ? "tcp" : port.protocol;
  spec.container_port = static_cast<uint16_t>(port.target);
  spec.container_port_end = spec.container_port;
  if (!port.published.empty()) {
    const size_t dash = port.published.find('-');
    spec.host_port = static_cast<uint16_t>(std::stoul(port.published.substr(0, dash)));
    spec.host_port_end =
        dash == std::string::npos ? spec.host_port : static_cast<uint16_t>(std::stoul(port.published.substr(dash + 1)));
  }
  return spec;
}

Blueprint make_blueprint(const Project& project, const Service& service, int number) {
  Blueprint b;
  engine::CreateRequest& r = b.request;
  r.name = container_name(project, service, number);
  r.image = service.image.empty() ? project.name + "-" + service.name : service.image;
  take_process(service, r, b);
  take_resources(service, r);
  take_labels(project, service, number, r);
  r.restart = restart_policy(service);
  r.healthcheck = healthcheck(service);
  for (const std::string& t : service.tmpfs) r.tmpfs.push_back(t);
  for (const compose::ServiceVolume& v : service.volumes) take_volume(project, service, v, b);
  for (const std::string& v : service.volumes_from) b.volumes_from.push_back(volumes_from_entry(v));
  take_network(project, service, r.name, b);
  for (const compose::ServicePort& port : service.ports) {
    try {
      b.ports.push_back(port_spec(port));
    } catch (const std::exception&) {
      throw service_error(service, "ports", "invalid published port \"" + port.published + "\"");
    }
  }
  return b;
}

}  // namespace stack::orchestrator
