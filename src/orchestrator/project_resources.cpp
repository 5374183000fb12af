#include "orchestrator/project_resources.hpp"

#include <map>

#include "base/error.hpp"
#include "orchestrator/labels.hpp"

namespace stack::orchestrator {
namespace {

net::NetworkSpec network_spec(const compose::Project& p, const compose::Network& n) {
  net::NetworkSpec spec;
  spec.name = n.name;
  spec.internal = n.internal;
  spec.attachable = n.attachable;
  spec.enable_ipv6 = n.enable_ipv6.value_or(false);
  spec.labels = n.labels;
  spec.labels[labels::kProject] = p.name;
  spec.labels[labels::kNetwork] = n.key;
  spec.options = n.driver_opts;
  if (n.ipam)
    for (const compose::IpamPool& pool : n.ipam->config) spec.ipam.push_back({pool.subnet, pool.gateway, pool.ip_range});
  return spec;
}

void ensure_network(Context& ctx, const compose::Project& p, const compose::Network& n) {
  if (n.external) {
    if (!ctx.network.has_network(n.name))
      throw Error("network " + n.name + " declared as external, but could not be found",
                  "create it first (stack network create " + n.name + ")");
    return;
  }
  if (ctx.network.has_network(n.name)) return;
  ctx.progress.event("Network", n.name, "Creating");
  ctx.network.ensure_network(network_spec(p, n));
  ctx.progress.event("Network", n.name, "Created");
}

void ensure_volume(Context& ctx, const compose::Project& p, const compose::Volume& v) {
  if (v.external) {
    if (!ctx.volumes.find(v.name))
      throw Error("external volume \"" + v.name + "\" not found", "create it first (stack volume create " + v.name + ")");
    return;
  }
  if (ctx.volumes.find(v.name)) return;  // an existing one is used as it is, as compose does
  vol::VolumeSpec spec;
  if (!v.driver.empty()) spec.driver = v.driver;
  spec.options = v.driver_opts;
  spec.labels = v.labels;
  spec.labels[labels::kProject] = p.name;
  spec.labels[labels::kVolume] = v.key;
  ctx.progress.event("Volume", "\"" + v.name + "\"", "Creating");
  ctx.volumes.create(v.name, spec);
  ctx.progress.event("Volume", "\"" + v.name + "\"", "Created");
}

// Which network keys and volume keys the services use.
void used_by(const compose::Project& p, const std::vector<std::string>& services, std::set<std::string>& networks,
             std::set<std::string>& volumes) {
  for (const std::string& name : services) {
    const compose::Service& s = p.services.at(name);
    if (s.network_mode.empty() || s.network_mode == "bridge")
      for (const auto& [key, config] : s.networks) networks.insert(key);
    for (const compose::ServiceVolume& v : s.volumes)
      if (v.type == "volume" && !v.source.empty()) volumes.insert(v.source);
  }
}

}  // namespace

void ensure_project_resources(Context& ctx, const compose::Project& project, const std::vector<std::string>& services) {
  std::set<std::string> networks, volumes;
  used_by(project, services, networks, volumes);
  for (const std::string& key : networks) {
    auto it = project.networks.find(key);
    if (it == project.networks.end()) continue;  // validate reported it
    ensure_network(ctx, project, it->second);
  }
  for (const std::string& key : volumes) {
    auto it = project.volumes.find(key);
    if (it != project.volumes.end()) ensure_volume(ctx, project, it->second);
  }
}

namespace {

// The project's own networks: declared (not external) and labelled with the project.
std::set<std::string> project_network_names(Context& ctx, const compose::Project& project) {
  std::set<std::string> names;
  for (const auto& [key, n] : project.networks)
    if (!n.external) names.insert(n.name);
  for (const std::string& n : ctx.network.networks_with({{labels::kProject, project.name}})) names.insert(n);
  return names;
}

}  // namespace

void drop_project_bridges(Context& ctx, const compose::Project& project, const std::vector<std::string>& leaving) {
  try {
    for (const std::string& name : project_network_names(ctx, project)) ctx.network.drop_bridge(name, leaving);
  } catch (...) {  // run on a thread of its own: nothing may escape it
  }
}

void remove_project_networks(Context& ctx, const compose::Project& project) {
  for (const std::string& name : project_network_names(ctx, project)) {
    if (!ctx.network.has_network(name)) continue;
    ctx.progress.event("Network", name, "Removing");
    try {
      ctx.network.remove_network(name);
      ctx.progress.event("Network", name, "Removed");
    } catch (const Error& e) {
      ctx.progress.warning("network " + name + ": " + e.what());
    }
  }
}

void remove_project_volumes(Context& ctx, const compose::Project& project, const std::vector<std::string>& anonymous) {
  std::set<std::string> names;
  for (const auto& [key, v] : project.volumes)
    if (!v.external) names.insert(v.name);
  for (const vol::Volume& v : ctx.volumes.list()) {
    auto it = v.labels.find(labels::kProject);
    if (it != v.labels.end() && it->second == project.name) names.insert(v.name);
  }
  remove_volumes(ctx, {names.begin(), names.end()}, true);
  remove_volumes(ctx, anonymous, false);
}

void remove_volumes(Context& ctx, const std::vector<std::string>& names, bool announce) {
  vol::VolumeUsers users = [&ctx] {
    std::map<std::string, std::vector<std::string>> out;
    for (const engine::ContainerView& v : ctx.containers.list())
      for (const std::string& name : v.config.volumes) out[name].push_back(v.config.name);
    return out;
  };
  for (const std::string& name : names) {
    if (!ctx.volumes.find(name)) continue;
    if (announce) ctx.progress.event("Volume", name, "Removing");
    try {
      ctx.volumes.remove(name, users);
      if (announce) ctx.progress.event("Volume", name, "Removed");
    } catch (const Error& e) {
      ctx.progress.warning(e.what());
    }
  }
}

}  // namespace stack::orchestrator
