// Networks: the network half (create, ensure, find, list, users, remove, prune).
// The sandbox half is in sandboxes.cpp. Every change holds <root>/networks/lock.
#include "net/networks.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "base/error.hpp"
#include "base/file_lock.hpp"
#include "base/files.hpp"
#include "base/random_id.hpp"
#include "base/utc_time.hpp"
#include "net/dns/records.hpp"
#include "net/firewall.hpp"
#include "net/ipam.hpp"
#include "net/netlink.hpp"
#include "net/network_records.hpp"

namespace stack::net {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMtuOption = "com.docker.network.driver.mtu";

bool valid_network_name(const std::string& name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; });
}

int prefix_of(const std::string& subnet) { return parse_cidr(subnet).value_or(Cidr{}).prefix; }
int prefix6_of(const std::string& subnet) { return parse_cidr6(subnet).value_or(Cidr6{}).prefix; }

// The pools of a spec by family (a pool is IPv6 when its subnet, or else its gateway, is):
// at most one each, and an IPv6 one only when the network enables IPv6.
struct FamilyPools {
  IpamPool v4;
  IpamPool v6;
};

FamilyPools split_pools(const NetworkSpec& spec) {
  FamilyPools out;
  int v4 = 0, v6 = 0;
  for (const IpamPool& p : spec.ipam) {
    const bool six = looks_ipv6(p.subnet.empty() ? p.gateway : p.subnet);
    (six ? out.v6 : out.v4) = p;
    ++(six ? v6 : v4);
  }
  if (v4 > 1 || v6 > 1) throw Error("network " + spec.name + ": at most one IPv4 and one IPv6 pool are supported");
  if (v6 && !spec.enable_ipv6)
    throw Error("network " + spec.name + ": an IPv6 pool (" + out.v6.subnet + ") is given but IPv6 is not enabled",
                "set enable_ipv6: true on the network (--ipv6), or remove the IPv6 pool");
  return out;
}

// Throws when `mine` overlaps the subnet of one of `existing` (`subnet_of` picks the family's).
template <typename Parse, typename SubnetOf>
void check_no_overlap(const std::string& name, const std::string& mine, const std::vector<NetworkInfo>& existing,
                      Parse parse, SubnetOf subnet_of) {
  const auto me = parse(mine);
  for (const NetworkInfo& n : existing) {
    const auto other = parse(subnet_of(n));
    if (me && other && me->overlaps(*other))
      throw Error("network " + name + ": invalid pool request: Pool overlaps with other one on this address space (network " +
                  n.name + ", " + subnet_of(n) + ")");
  }
}

}  // namespace

Networks::Networks(std::string root, std::string run_root, Firewall* firewall)
    : Networks(std::move(root), std::move(run_root), firewall, nullptr) {}

Networks::Networks(std::string root, std::string run_root, Firewall* firewall, std::shared_ptr<Netlink> netlink)
    : root_(std::move(root)), run_root_(std::move(run_root)), firewall_(firewall), netlink_(std::move(netlink)) {}

NetworkPaths Networks::paths() const { return {root_ + "/networks", run_root_}; }

Netlink& Networks::netlink() {
  if (!netlink_) netlink_ = system_netlink();
  return *netlink_;
}

void Networks::bring_up(const NetworkInfo& n, bool force) {
  const bool missing = !netlink().link_exists(n.bridge);
  // A bridge whose rules have no record was made by a `stack` killed before they were
  // in place (the firewall may make them in the background: orchestrator/deferred_firewall.hpp).
  const bool unruled = firewall_ && !firewall_->has_network(n.bridge);
  if (force || missing || unruled) {
    // Rules first (they match the bridge by name, so they may precede it).
    if (firewall_) firewall_->add_network({n.name, n.bridge, n.subnet, n.internal, n.subnet6});
    const std::string address6 = n.enable_ipv6 ? n.gateway6 + "/" + std::to_string(prefix6_of(n.subnet6)) : "";
    netlink().ensure_bridge(n.bridge, n.gateway + "/" + std::to_string(prefix_of(n.subnet)), address6, n.mtu);
    if (missing) reattach_veths(n);
  }
  if (force || missing || !fs::exists(dns::networks_dir(run_root_) + "/" + n.name + "/network.json"))
    dns::publish_network(run_root_, {n.name, n.gateway, n.subnet, n.internal});
}

void Networks::assign_subnets(NetworkInfo& n, const NetworkSpec& spec, const std::vector<NetworkInfo>& existing) {
  const FamilyPools pools = split_pools(spec);
  std::optional<std::vector<std::string>> host;  // read once, and only when a default subnet is chosen
  auto taken = [&](auto subnet_of) {
    if (!host) host = netlink().host_subnets();
    std::vector<std::string> out = *host;
    for (const NetworkInfo& e : existing) out.push_back(subnet_of(e));
    return out;
  };
  const auto v4_of = [](const NetworkInfo& e) { return e.subnet; };
  const auto v6_of = [](const NetworkInfo& e) { return e.subnet6; };
  const ResolvedPool v4 = pools.v4.subnet.empty()
                              ? resolve_pool({choose_subnet(address_pools(root_), taken(v4_of)), pools.v4.gateway, pools.v4.ip_range}, spec.name)
                              : resolve_pool(pools.v4, spec.name);
  if (!pools.v4.subnet.empty()) check_no_overlap(spec.name, v4.subnet, existing, parse_cidr, v4_of);
  n.subnet = v4.subnet;
  n.gateway = v4.gateway;
  n.ip_range = v4.ip_range;
  if (!spec.enable_ipv6) return;
  const ResolvedPool v6 = pools.v6.subnet.empty()
                              ? resolve_pool6({choose_subnet6(n.id, taken(v6_of)), pools.v6.gateway, pools.v6.ip_range}, spec.name)
                              : resolve_pool6(pools.v6, spec.name);
  if (!pools.v6.subnet.empty()) check_no_overlap(spec.name, v6.subnet, existing, parse_cidr6, v6_of);
  n.enable_ipv6 = true;
  n.subnet6 = v6.subnet;
  n.gateway6 = v6.gateway;
  n.ip_range6 = v6.ip_range;
}

NetworkInfo Networks::create_locked(const NetworkSpec& spec) {
  if (!valid_network_name(spec.name))
    throw Error("invalid network name \"" + spec.name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  if (spec.driver != "bridge") throw Error("network " + spec.name + ": driver \"" + spec.driver + "\" is not supported (only bridge)");
  const std::vector<NetworkInfo> existing = load_networks(paths());
  for (const NetworkInfo& n : existing)
    if (n.name == spec.name) throw Error("network with name " + spec.name + " already exists");
  NetworkInfo n;
  n.id = base::random_hex_id();
  assign_subnets(n, spec, existing);
  n.name = spec.name;
  n.driver = spec.driver;
  n.bridge = "stk-" + n.id.substr(0, 11);
  n.created = base::utc_now_rfc3339();
  n.internal = spec.internal;
  n.attachable = spec.attachable;
  n.labels = spec.labels;
  n.options = spec.options;
  if (auto it = spec.options.find(kMtuOption); it != spec.options.end()) {
    try {
      n.mtu = std::stoi(it->second);
    } catch (const std::exception&) {
      throw Error("network " + spec.name + ": invalid " + kMtuOption + " \"" + it->second + "\"");
    }
    if (n.mtu < 68 || n.mtu > 65535) throw Error("network " + spec.name + ": MTU " + it->second + " out of range");
  } else {
    n.mtu = netlink().uplink_mtu();
  }
  try {
    // Recorded before anything is made on the host: a `stack` killed midway leaves a
    // network that the next use brings up (bring_up) and rm removes, never a bridge
    // or rules that nothing names.
    fs::create_directories(paths().network_dir(n.id));
    base::write_file_atomic(paths().network_file(n.id), network_to_json(n));
    bring_up(n, true);
  } catch (const std::exception& e) {
    try {
      dns::remove_network(run_root_, n.name);
      if (firewall_) firewall_->remove_network(n.bridge);
      netlink().delete_link(n.bridge);
    } catch (const std::exception&) {
    }
    std::error_code ec;
    fs::remove_all(paths().network_dir(n.id), ec);
    throw Error(std::string("create network ") + spec.name + ": " + e.what());
  }
  return n;
}

NetworkInfo Networks::create(const NetworkSpec& spec) {
  const base::FileLock lock = lock_networks(paths());
  sweep_locked();
  return create_locked(spec);
}

NetworkInfo Networks::ensure(const NetworkSpec& spec) {
  const base::FileLock lock = lock_networks(paths());
  for (const NetworkInfo& n : load_networks(paths()))
    if (n.name == spec.name) {
      bring_up(n, false);
      return n;
    }
  return create_locked(spec);
}

std::optional<NetworkInfo> Networks::find(const std::string& name_or_id) const {
  if (name_or_id.empty()) return std::nullopt;
  const std::vector<NetworkInfo> all = load_networks(paths());
  for (const NetworkInfo& n : all)
    if (n.name == name_or_id || n.id == name_or_id) return n;
  std::optional<NetworkInfo> found;
  for (const NetworkInfo& n : all)
    if (n.id.starts_with(name_or_id)) {
      if (found) return std::nullopt;  // ambiguous
      found = n;
    }
  return found;
}

std::vector<NetworkInfo> Networks::list() const { return load_networks(paths()); }

std::vector<std::string> Networks::users(const std::string& name_or_id) const {
  std::vector<std::string> out;
  const std::optional<NetworkInfo> n = find(name_or_id);
  if (!n) return out;
  for (const SandboxRecord& r : load_sandboxes(paths())) {
    if (!r.state_file.empty() && !fs::exists(fs::path(r.state_file).parent_path())) continue;  // gone: swept soon
    for (const Endpoint& e : r.sandbox.endpoints)
      if (e.network_id == n->id) out.push_back(r.sandbox.container_id);
  }
  return out;
}

// The veths of the network's live sandboxes, whose bridge went under them (deleted ahead
// of a removal that did not come, or by hand), joined to the new one. Best effort: a veth
// that cannot join leaves its container without the network, as before.
void Networks::reattach_veths(const NetworkInfo& n) {
  for (const std::string& id : users(n.id)) {
    try {
      netlink().attach_link(host_veth_name(id, n.id), n.bridge);
    } catch (const Error&) {
    }
  }
}

bool Networks::drop_bridge(const std::string& name_or_id, const std::vector<std::string>& leaving) {
  const auto staying = [&](const std::string& network_id) {
    for (const std::string& id : users(network_id))
      if (std::find(leaving.begin(), leaving.end(), id) == leaving.end()) return true;
    return false;
  };
  std::optional<NetworkInfo> n;
  {
    const base::FileLock lock = lock_networks(paths());
    n = find(name_or_id);
    if (!n || staying(n->id)) return false;
  }
  // Without the lock, which the leaving containers' sandbox removals need meanwhile.
  netlink().delete_link(n->bridge);
  // A container that joined in between lost the bridge under it: it comes back, the
  // container's veth on it (joining brings a missing bridge back too).
  const base::FileLock lock = lock_networks(paths());
  if (staying(n->id)) bring_up(*n, false);
  return true;
}

void Networks::remove(const std::string& name_or_id) {
  const base::FileLock lock = lock_networks(paths());
  sweep_locked();
  const std::optional<NetworkInfo> n = find(name_or_id);
  if (!n) throw Error("network " + name_or_id + " not found");
  std::string in_use;
  for (const SandboxRecord& r : load_sandboxes(paths()))
    for (const Endpoint& e : r.sandbox.endpoints)
      if (e.network_id == n->id) in_use += (in_use.empty() ? "" : ", ") + (r.container_name.empty() ? r.sandbox.container_id : r.container_name);
  if (!in_use.empty())
    throw Error("error while removing network: network " + n->name + " id " + n->id + " has active endpoints (" + in_use + ")",
                "remove or disconnect its containers first");
  if (const std::string failures = remove_locked(*n); !failures.empty())
    throw Error("remove network " + n->name + ": " + failures);
}

std::string Networks::remove_locked(const NetworkInfo& n) {
  Failures failures;
  failures.attempt([&] { dns::remove_network(run_root_, n.name); });
  failures.attempt([&] { if (firewall_) firewall_->remove_network(n.bridge); });
  failures.attempt([&] { netlink().delete_link(n.bridge); });
  std::error_code ec;
  fs::remove_all(paths().network_dir(n.id), ec);
  if (ec) failures.add("remove " + paths().network_dir(n.id) + ": " + ec.message());
  return failures.text;
}

void Networks::drop_idle_default_locked() {
  if (firewall_) drop_idle_default_locked(load_sandboxes(paths()));
}

void Networks::drop_idle_default_locked(const std::vector<SandboxRecord>& sandboxes) {
  // Only with the firewall at hand: its rules must go with the bridge. The commands that
  // open no firewall (container rm) leave it to the next that does, or to network rm.
  if (!firewall_) return;
  const std::optional<NetworkInfo> n = find(kDefaultNetwork);
  if (!n) return;
  for (const SandboxRecord& r : sandboxes)
    for (const Endpoint& e : r.sandbox.endpoints)
      if (e.network_id == n->id) return;
  remove_locked(*n);  // best effort: what stays is removed by the next last sandbox, or rm
}

std::vector<std::string> Networks::prune(const std::map<std::string, std::string>& labels) {
  std::vector<std::string> removed;
  for (const NetworkInfo& n : list()) {
    if (n.name == kDefaultNetwork) continue;  // docker's predefined network is never pruned
    const bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
      auto it = n.labels.find(kv.first);
      return it != n.labels.end() && (kv.second.empty() || it->second == kv.second);
    });
    if (!match || !users(n.id).empty()) continue;
    try {
      remove(n.id);
      removed.push_back(n.name);
    } catch (const Error&) {
      // taken into use meanwhile
    }
  }
  return removed;
}

}  // namespace stack::net
