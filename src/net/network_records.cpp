#include "net/network_records.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::net {

namespace fs = std::filesystem;
using nlohmann::json;

base::FileLock lock_networks(const NetworkPaths& paths) {
  fs::create_directories(paths.root);
  return base::FileLock(paths.lock(), base::FileLock::Mode::Exclusive);
}

std::string network_to_json(const NetworkInfo& n) {
  json j = {{"id", n.id},           {"name", n.name},         {"driver", n.driver},     {"bridge", n.bridge},
            {"subnet", n.subnet},   {"gateway", n.gateway},   {"ip_range", n.ip_range}, {"created", n.created},
            {"internal", n.internal}, {"attachable", n.attachable}, {"mtu", n.mtu},   {"labels", n.labels},
            {"options", n.options}};
  if (n.enable_ipv6) {
    j["enable_ipv6"] = true;
    j["subnet6"] = n.subnet6;
    j["gateway6"] = n.gateway6;
    j["ip_range6"] = n.ip_range6;
  }
  return j.dump(2) + "\n";
}

NetworkInfo network_from_json(const std::string& text, const std::string& origin) {
  try {
    const json j = json::parse(text);
    NetworkInfo n;
    n.id = j.at("id");
    n.name = j.at("name");
    n.driver = j.value("driver", "bridge");
    n.bridge = j.at("bridge");
    n.subnet = j.at("subnet");
    n.gateway = j.at("gateway");
    n.ip_range = j.value("ip_range", "");
    n.enable_ipv6 = j.value("enable_ipv6", false);
    if (n.enable_ipv6) {
      n.subnet6 = j.at("subnet6");
      n.gateway6 = j.at("gateway6");
      n.ip_range6 = j.value("ip_range6", "");
    }
    n.created = j.value("created", "");
    n.internal = j.value("internal", false);
    n.attachable = j.value("attachable", false);
    n.mtu = j.value("mtu", 1500);
    n.labels = j.value("labels", std::map<std::string, std::string>{});
    n.options = j.value("options", std::map<std::string, std::string>{});
    return n;
  } catch (const json::exception& e) {
    throw Error(origin + ": invalid network record: " + e.what());
  }
}

std::string sandbox_to_json(const SandboxRecord& r) {
  json endpoints = json::array();
  for (const Endpoint& e : r.sandbox.endpoints) {
    json endpoint = {{"network", e.network}, {"network_id", e.network_id}, {"interface", e.interface},
                     {"ipv4", e.ipv4}, {"prefix_length", e.prefix_length}, {"gateway", e.gateway},
                     {"mac", e.mac}, {"aliases", e.aliases}};
    if (!e.ipv6.empty()) {
      endpoint["ipv6"] = e.ipv6;
      endpoint["prefix_length6"] = e.prefix_length6;
      endpoint["gateway6"] = e.gateway6;
    }
    endpoints.push_back(std::move(endpoint));
  }
  json j = {{"container_id", r.sandbox.container_id}, {"netns_path", r.sandbox.netns_path},
            {"container_name", r.container_name},     {"hostname", r.hostname},
            {"state_file", r.state_file},             {"endpoints", endpoints}};
  return j.dump(2) + "\n";
}

SandboxRecord sandbox_from_json(const std::string& text, const std::string& origin) {
  try {
    const json j = json::parse(text);
    SandboxRecord r;
    r.sandbox.container_id = j.at("container_id");
    r.sandbox.netns_path = j.at("netns_path");
    r.container_name = j.value("container_name", "");
    r.hostname = j.value("hostname", "");
    r.state_file = j.value("state_file", "");
    for (const json& e : j.at("endpoints")) {
      Endpoint ep;
      ep.network = e.at("network");
      ep.network_id = e.at("network_id");
      ep.interface = e.at("interface");
      ep.ipv4 = e.at("ipv4");
      ep.prefix_length = e.value("prefix_length", 24);
      ep.gateway = e.value("gateway", "");
      ep.ipv6 = e.value("ipv6", "");
      ep.prefix_length6 = e.value("prefix_length6", 64);
      ep.gateway6 = e.value("gateway6", "");
      ep.mac = e.value("mac", "");
      ep.aliases = e.value("aliases", std::vector<std::string>{});
      r.sandbox.endpoints.push_back(ep);
    }
    return r;
  } catch (const json::exception& e) {
    throw Error(origin + ": invalid sandbox record: " + e.what());
  }
}

std::vector<NetworkInfo> load_networks(const NetworkPaths& paths) {
  std::vector<NetworkInfo> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.root, ec)) {
    const std::string id = entry.path().filename().string();
    if (id.size() != 64) continue;
    try {
      if (auto text = base::read_file_if_exists(paths.network_file(id))) out.push_back(network_from_json(*text, paths.network_file(id)));
    } catch (const Error&) {
    }
  }
  std::sort(out.begin(), out.end(), [](const NetworkInfo& a, const NetworkInfo& b) { return a.name < b.name; });
  return out;
}

std::vector<SandboxRecord> load_sandboxes(const NetworkPaths& paths) {
  std::vector<SandboxRecord> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.sandboxes_dir(), ec)) {
    if (entry.path().extension() != ".json") continue;
    try {
      out.push_back(sandbox_from_json(base::read_file(entry.path()), entry.path().string()));
    } catch (const Error&) {
    }
  }
  return out;
}

std::string host_veth_name(const std::string& container_id, const std::string& network_id) {
  return "stv" + container_id.substr(0, 7) + network_id.substr(0, 5);
}

}  // namespace stack::net
