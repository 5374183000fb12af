#include "net/dns/name_table.hpp"

#include <algorithm>
#include <filesystem>

namespace stack::net::dns {

namespace {

// The directory to watch for `state_path`: its own directory, or the nearest existing
// parent while the container's directory does not exist yet.
std::string watch_dir_for(const std::string& state_path) {
  std::filesystem::path dir = std::filesystem::path(state_path).parent_path();
  std::error_code ec;
  while (!dir.empty() && dir != dir.root_path() && !std::filesystem::is_directory(dir, ec)) dir = dir.parent_path();
  return dir.string();
}

void add_container(NetworkTable& table, const ContainerEntry& c) {
  const auto v4 = parse_ipv4(c.ipv4);
  const auto v6 = c.ipv6.empty() ? std::nullopt : parse_ipv6(c.ipv6);
  for (const auto& name : c.names) {
    Addresses& a = table.names[name];
    if (v4 && std::find(a.v4.begin(), a.v4.end(), *v4) == a.v4.end()) a.v4.push_back(*v4);
    if (v6 && std::find(a.v6.begin(), a.v6.end(), *v6) == a.v6.end()) a.v6.push_back(*v6);
  }
  if (v4 && !c.names.empty()) table.reverse.emplace(to_host_order(*v4), c.names.front());
  if (v6 && !c.names.empty()) table.reverse6.emplace(*v6, c.names.front());
}

}  // namespace

const NetworkTable* Table::by_gateway(uint32_t gateway) const {
  for (const auto& n : networks)
    if (n.gateway == gateway) return &n;
  return nullptr;
}

Table build_table(const std::vector<NetworkRecords>& records, const std::function<bool(const std::string&)>& is_live) {
  Table table;
  for (const auto& record : records) {
    const auto gateway = parse_ipv4(record.network.gateway);
    const auto subnet = parse_subnet4(record.network.subnet);
    if (!gateway || !subnet) continue;  // load_records validated them already
    NetworkTable& n = table.networks.emplace_back();
    n.name = record.network.name;
    n.gateway = to_host_order(*gateway);
    n.subnet = *subnet;
    n.internal = record.network.internal;
    for (const auto& c : record.containers) {
      if (!c.state.empty()) table.state_dirs.push_back(watch_dir_for(c.state));
      if (is_live(c.state)) add_container(n, c);
    }
  }
  std::sort(table.state_dirs.begin(), table.state_dirs.end());
  table.state_dirs.erase(std::unique(table.state_dirs.begin(), table.state_dirs.end()), table.state_dirs.end());
  return table;
}

}  // namespace stack::net::dns
