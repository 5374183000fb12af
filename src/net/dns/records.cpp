#include "net/dns/records.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"
#include "net/dns/address.hpp"

namespace stack::net::dns {

namespace fs = std::filesystem;

namespace {

constexpr const char* kNetworkFile = "network.json";

// A file name we create from caller input: never a path, never "." or "..".
void check_component(const std::string& value, const std::string& what) {
  if (value.empty() || value == "." || value == ".." || value.size() > 200 ||
      value.find_first_of("/\0", 0, 2) != std::string::npos || value == kNetworkFile)
    throw Error("invalid " + what + " \"" + value + "\" for a DNS record: it must be a plain file name");
}

bool valid_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (const char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label != 0;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void check_network(const NetworkEntry& n) {
  check_component(n.name, "network name");
  if (!parse_ipv4(n.gateway)) throw Error("network " + n.name + ": invalid gateway address \"" + n.gateway + "\"");
  const auto subnet = parse_subnet4(n.subnet);
  if (!subnet) throw Error("network " + n.name + ": invalid subnet \"" + n.subnet + "\"");
  if (!subnet->contains(to_host_order(*parse_ipv4(n.gateway))))
    throw Error("network " + n.name + ": gateway " + n.gateway + " is outside its subnet " + n.subnet);
}

void check_container(const ContainerEntry& c, const std::string& who) {
  check_component(c.container, "container id");
  for (const auto& name : c.names)
    if (!valid_dns_name(name)) throw Error(who + ": \"" + name + "\" is not a valid DNS name");
  if (!parse_ipv4(c.ipv4)) throw Error(who + ": invalid IPv4 address \"" + c.ipv4 + "\"");
  if (!c.ipv6.empty() && !parse_ipv6(c.ipv6)) throw Error(who + ": invalid IPv6 address \"" + c.ipv6 + "\"");
}

}  // namespace

std::string dns_dir(const std::string& run_root) { return run_root + "/dns"; }
std::string networks_dir(const std::string& run_root) { return dns_dir(run_root) + "/networks"; }

std::string network_to_json(const NetworkEntry& n) {
  return nlohmann::json{{"name", n.name}, {"gateway", n.gateway}, {"subnet", n.subnet}, {"internal", n.internal}}
             .dump(2) +
         "\n";
}

std::string container_to_json(const ContainerEntry& c) {
  return nlohmann::json{{"container", c.container}, {"names", c.names}, {"ipv4", c.ipv4},
                        {"ipv6", c.ipv6},           {"state", c.state}}
             .dump(2) +
         "\n";
}

NetworkEntry network_from_json(const std::string& text, const std::string& origin) {
  NetworkEntry n;
  try {
    const auto j = nlohmann::json::parse(text);
    n.name = j.at("name").get<std::string>();
    n.gateway = j.at("gateway").get<std::string>();
    n.subnet = j.at("subnet").get<std::string>();
    n.internal = j.value("internal", false);
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": invalid network record: " + e.what());
  }
  try {
    check_network(n);
  } catch (const Error& e) {
    throw e.wrap(origin);
  }
  return n;
}

ContainerEntry container_from_json(const std::string& text, const std::string& origin) {
  ContainerEntry c;
  try {
    const auto j = nlohmann::json::parse(text);
    c.container = j.at("container").get<std::string>();
    c.names = j.at("names").get<std::vector<std::string>>();
    c.ipv4 = j.at("ipv4").get<std::string>();
    c.ipv6 = j.value("ipv6", "");
    c.state = j.value("state", "");
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": invalid container record: " + e.what());
  }
  try {
    check_container(c, "container " + c.container);
  } catch (const Error& e) {
    throw e.wrap(origin);
  }
  for (auto& name : c.names) name = lower(name);
  return c;
}

void publish_network(const std::string& run_root, const NetworkEntry& network) {
  check_network(network);
  const fs::path dir = fs::path(networks_dir(run_root)) / network.name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create the DNS records of network " + network.name + ": " + dir.string() + ": " + ec.message());
  // No fsync: the run root is a tmpfs and every record is rewritten after a reboot.
  base::write_file_atomic(dir / kNetworkFile, network_to_json(network), 0644, base::Durability::Replace);
}

void remove_network(const std::string& run_root, const std::string& network) {
  check_component(network, "network name");
  const fs::path dir = fs::path(networks_dir(run_root)) / network;
  std::error_code ec;
  // The record first: from then on the server ignores the directory, whatever is left.
  fs::remove(dir / kNetworkFile, ec);
  if (!ec) fs::remove_all(dir, ec);
  if (ec) throw Error("cannot remove the DNS records of network " + network + ": " + ec.message());
}

void publish_container(const std::string& run_root, const std::string& network, const ContainerEntry& container) {
  check_component(network, "network name");
  check_container(container, "container " + container.container + " on network " + network);
  const fs::path dir = fs::path(networks_dir(run_root)) / network;
  if (!fs::exists(dir / kNetworkFile))
    throw Error("cannot publish container " + container.container + " on network " + network +
                ": the network has no DNS record", "publish the network first");
  base::write_file_atomic(dir / (container.container + ".json"), container_to_json(container), 0644,
                          base::Durability::Replace);
}

void remove_container(const std::string& run_root, const std::string& network, const std::string& container_id) {
  check_component(network, "network name");
  check_component(container_id, "container id");
  std::error_code ec;
  fs::remove(fs::path(networks_dir(run_root)) / network / (container_id + ".json"), ec);
  if (ec) throw Error("cannot remove the DNS record of container " + container_id + " on network " + network + ": " +
                      ec.message());
}

namespace {

std::vector<ContainerEntry> load_containers(const fs::path& dir, std::vector<std::string>& problems) {
  std::vector<ContainerEntry> out;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(dir, ec)) {
    const std::string name = file.path().filename().string();
    if (name == kNetworkFile || file.path().extension() != ".json") continue;
    try {
      const auto text = base::read_file_if_exists(file.path());
      if (text) out.push_back(container_from_json(*text, file.path().string()));
    } catch (const Error& e) {
      problems.push_back(e.what());
    }
  }
  // Directory order is arbitrary; a stable order keeps rebuilt tables comparable.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.container < b.container; });
  return out;
}

}  // namespace

std::vector<NetworkRecords> load_records(const std::string& run_root, std::vector<std::string>& problems) {
  std::vector<NetworkRecords> out;
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator(networks_dir(run_root), ec)) {
    const fs::path record = dir.path() / kNetworkFile;
    try {
      const auto text = base::read_file_if_exists(record);
      if (!text) continue;
      NetworkRecords n{network_from_json(*text, record.string()), load_containers(dir.path(), problems)};
      out.push_back(std::move(n));
    } catch (const Error& e) {
      problems.push_back(e.what());
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.network.name < b.network.name; });
  return out;
}

bool container_is_live(const std::string& state_path) {
  if (state_path.empty()) return false;
  try {
    const auto text = base::read_file_if_exists(state_path);
    if (!text) return false;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object()) return false;
    const std::string status = j.value("status", "");
    return status == "running" || status == "paused";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace stack::net::dns
