#include "net/firewall_records.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::net {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json to_json(const NetworkRules& n) {
  json j = {{"name", n.name}, {"bridge", n.bridge}, {"subnet", n.subnet}, {"internal", n.internal}};
  if (!n.subnet6.empty()) j["subnet6"] = n.subnet6;
  return j;
}

NetworkRules network_from(const json& j) {
  return {j.at("name").get<std::string>(), j.at("bridge").get<std::string>(), j.at("subnet").get<std::string>(),
          j.at("internal").get<bool>(), j.value("subnet6", "")};
}

json to_json(const PublishedPort& p) {
  json j = {{"host_ip", p.host_ip},           {"host_port", p.host_port}, {"container_port", p.container_port},
            {"protocol", p.protocol},         {"container_ip", p.container_ip}, {"bridge", p.bridge}};
  if (!p.container_ip6.empty()) j["container_ip6"] = p.container_ip6;
  return j;
}

PublishedPort port_from(const json& j) {
  return {j.at("host_ip").get<std::string>(),  j.at("host_port").get<uint16_t>(),
          j.at("container_port").get<uint16_t>(), j.at("protocol").get<std::string>(),
          j.at("container_ip").get<std::string>(), j.at("bridge").get<std::string>(),
          j.value("container_ip6", "")};
}

template <typename Fn>
auto parse_record(const fs::path& path, Fn from) {
  try {
    return from(json::parse(base::read_file(path)));
  } catch (const json::exception& e) {
    throw Error(fmt::format("firewall record {} is unreadable: {}", path.string(), e.what()),
                "remove the file; the next network change rebuilds the rules from the others");
  }
}

std::vector<PublishedPort> ports_from(const json& j) {
  std::vector<PublishedPort> ports;
  for (const auto& p : j.at("ports")) ports.push_back(port_from(p));
  return ports;
}

// The JSON files of `dir`, by their name without ".json".
std::map<std::string, fs::path> documents(const fs::path& dir) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") out[it->path().stem().string()] = it->path();
  return out;
}

void remove_document(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) throw Error(fmt::format("remove firewall record {}: {}", path.string(), ec.message()));
}

template <typename Map, typename Write>
void save_changed(const fs::path& dir, const Map& before, const Map& after, Write write) {
  for (const auto& [key, value] : after) {
    auto old = before.find(key);
    if (old == before.end() || !(old->second == value)) write(dir / (key + ".json"), value);
  }
  for (const auto& [key, value] : before)
    if (!after.count(key)) remove_document(dir / (key + ".json"));
}

}  // namespace

void check_record_name(const std::string& kind, const std::string& name) {
  const bool ok = !name.empty() && name != "." && name != ".." &&
                  name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") ==
                      std::string::npos;
  if (!ok) throw Error(fmt::format("invalid {} name \"{}\" for the firewall", kind, name));
}

FirewallRecords::FirewallRecords(std::string dir) : dir_(std::move(dir)), lock_path_(dir_ + "/lock") {}

FirewallState FirewallRecords::load() const {
  FirewallState state;
  for (const auto& [bridge, path] : documents(fs::path(dir_) / "networks"))
    state.networks[bridge] = parse_record(path, network_from);
  for (const auto& [owner, path] : documents(fs::path(dir_) / "ports"))
    state.ports[owner] = parse_record(path, ports_from);
  return state;
}

bool FirewallRecords::has_network(const std::string& bridge) const {
  check_record_name("bridge", bridge);
  std::error_code ec;
  return fs::exists(fs::path(dir_) / "networks" / (bridge + ".json"), ec);
}

std::vector<PublishedPort> FirewallRecords::ports(const std::string& owner) const {
  check_record_name("container", owner);
  const fs::path path = fs::path(dir_) / "ports" / (owner + ".json");
  if (!fs::exists(path)) return {};
  return parse_record(path, ports_from);
}

void FirewallRecords::save(const FirewallState& before, const FirewallState& after) const {
  const fs::path networks = fs::path(dir_) / "networks", ports = fs::path(dir_) / "ports";
  fs::create_directories(networks);
  fs::create_directories(ports);
  // Durability::Replace: the run root is a tmpfs, and the rules die with a reboot too.
  save_changed(networks, before.networks, after.networks, [](const fs::path& path, const NetworkRules& n) {
    base::write_file_atomic(path, to_json(n).dump(2) + "\n", 0644, base::Durability::Replace);
  });
  save_changed(ports, before.ports, after.ports, [](const fs::path& path, const std::vector<PublishedPort>& list) {
    json j = {{"ports", json::array()}};
    for (const auto& p : list) j["ports"].push_back(to_json(p));
    base::write_file_atomic(path, j.dump(2) + "\n", 0644, base::Durability::Replace);
  });
}

}  // namespace stack::net
