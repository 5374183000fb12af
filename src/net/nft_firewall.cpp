#include "net/nft_firewall.hpp"

#include <arpa/inet.h>

#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>

#include "base/error.hpp"
#include "base/file_lock.hpp"
#include "net/firewall_ports.hpp"
#include "net/ipv6.hpp"
#include "net/nft_rules.hpp"

namespace stack::net {
namespace {

void check_ipv4(const std::string& what, const std::string& address) {
  in_addr a{};
  if (::inet_pton(AF_INET, address.c_str(), &a) != 1)
    throw Error(fmt::format("invalid {} \"{}\" for the firewall: not an IPv4 address", what, address));
}

void check_subnet(const NetworkRules& n) {
  const size_t slash = n.subnet.find('/');
  const std::string prefix = slash == std::string::npos ? "" : n.subnet.substr(slash + 1);
  in_addr a{};
  const bool ok = slash != std::string::npos && ::inet_pton(AF_INET, n.subnet.substr(0, slash).c_str(), &a) == 1 &&
                  !prefix.empty() && prefix.size() <= 2 && prefix.find_first_not_of("0123456789") == std::string::npos &&
                  std::stoi(prefix) <= 32;
  if (!ok) throw Error(fmt::format("network {}: subnet \"{}\" is not an IPv4 CIDR", n.name, n.subnet));
  if (!n.subnet6.empty() && !parse_cidr6(n.subnet6))
    throw Error(fmt::format("network {}: subnet \"{}\" is not an IPv6 CIDR", n.name, n.subnet6));
}

bool needs_forwarding(const FirewallState& state) {
  if (!state.ports.empty()) return true;
  for (const auto& [bridge, n] : state.networks)
    if (!n.internal) return true;
  return false;
}

bool needs_forwarding6(const FirewallState& state) {
  for (const auto& [bridge, n] : state.networks)
    if (!n.internal && !n.subnet6.empty()) return true;
  return false;
}

uint32_t random_seed() { return std::random_device{}(); }

}  // namespace

std::string firewall_table_name(const std::string& run_root) {
  if (run_root == "/run/stack") return "stack";
  uint32_t hash = 2166136261u;  // FNV-1a: stable across builds and processes
  for (unsigned char c : run_root) hash = (hash ^ c) * 16777619u;
  return fmt::format("stack_{:08x}", hash);
}

NftFirewall::NftFirewall(const std::string& run_root, std::unique_ptr<Nft> nft, std::unique_ptr<FirewallHost> host,
                         Notice notice)
    : dir_(run_root + "/firewall"),
      table_(firewall_table_name(run_root)),
      records_(dir_),
      nft_(std::move(nft)),
      host_(std::move(host)),
      notice_(std::move(notice)) {}

void NftFirewall::add_network(const NetworkRules& network) {
  check_record_name("bridge", network.bridge);
  check_subnet(network);
  bool added = false;
  change([&](FirewallState& state) {
    added = state.networks.count(network.bridge) == 0;
    state.networks[network.bridge] = network;
    return true;  // applied even when recorded already: restores rules the host lost
  });
  if (added && notice_ && host_->legacy_iptables_filter())
    notice_(fmt::format("iptables-legacy rules are present, which stack cannot see: if their FORWARD policy is DROP "
                        "(Docker's), network {} needs `iptables -I FORWARD -i {} -j ACCEPT` and "
                        "`iptables -I FORWARD -o {} -j ACCEPT`",
                        network.name, network.bridge, network.bridge));
}

void NftFirewall::remove_network(const std::string& bridge) {
  check_record_name("bridge", bridge);
  change([&](FirewallState& state) {
    bool changed = state.networks.erase(bridge) > 0;
    for (auto it = state.ports.begin(); it != state.ports.end();) {
      auto& ports = it->second;
      const size_t before = ports.size();
      std::erase_if(ports, [&](const PublishedPort& p) { return p.bridge == bridge; });
      changed = changed || ports.size() != before;
      it = ports.empty() ? state.ports.erase(it) : std::next(it);
    }
    return changed;
  });
}

std::vector<PublishedPort> NftFirewall::publish(const std::string& owner, const ContainerAddresses& container,
                                                const std::string& bridge, const std::vector<PortSpec>& ports) {
  check_record_name("container", owner);
  check_record_name("bridge", bridge);
  check_ipv4("container address", container.ipv4);
  if (!container.ipv6.empty() && !parse_ipv6_address(container.ipv6))
    throw Error(fmt::format("invalid container address \"{}\" for the firewall: not an IPv6 address", container.ipv6));
  if (ports.empty()) return {};
  std::vector<PublishedPort> result;
  change(
      [&](FirewallState& state) {
        if (auto n = state.networks.find(bridge); n != state.networks.end() && n->second.internal)
          throw Error(fmt::format("cannot publish ports on network {}: it is internal", n->second.name));
        result = allocate_ports({owner, container, bridge, ports}, state, *host_, random_seed());
        auto& mine = state.ports[owner];
        for (const auto& p : result)
          if (std::find(mine.begin(), mine.end(), p) == mine.end()) mine.push_back(p);
        return true;
      },
      bridge);
  return result;
}

void NftFirewall::unpublish(const std::string& owner) {
  check_record_name("container", owner);
  if (records_.ports(owner).empty()) return;  // nothing to do: not even a lock
  change([&](FirewallState& state) { return state.ports.erase(owner) > 0; });
}

std::vector<PublishedPort> NftFirewall::published(const std::string& owner) const { return records_.ports(owner); }

void NftFirewall::change(const std::function<bool(FirewallState&)>& modify, const std::string& localnet_bridge) {
  std::lock_guard<std::mutex> threads(mutex_);
  std::filesystem::create_directories(dir_);
  base::FileLock lock(records_.lock_path(), base::FileLock::Mode::Exclusive);
  const FirewallState before = records_.load();
  FirewallState after = before;
  if (!modify(after)) return;
  set_sysctls(after, localnet_bridge);
  apply(after);
  records_.save(before, after);
}

void NftFirewall::set_sysctls(const FirewallState& state, const std::string& localnet_bridge) {
  if (needs_forwarding(state) && host_->sysctl("net/ipv4/ip_forward").value_or("1") != "1") {
    host_->set_sysctl("net/ipv4/ip_forward", "1");
    if (notice_) notice_("net.ipv4.ip_forward set to 1: containers on stack networks reach other networks through the host");
  }
  // Forwarding on "all" turns it on for every interface, and stops the host's own
  // interfaces from taking router advertisements (unless their accept_ra is 2), as with
  // Docker's IPv6 networks: said once, when stack turns it on.
  if (needs_forwarding6(state) && host_->sysctl("net/ipv6/conf/all/forwarding").value_or("1") != "1") {
    host_->set_sysctl("net/ipv6/conf/all/forwarding", "1");
    if (notice_)
      notice_("net.ipv6.conf.all.forwarding set to 1: containers on stack's IPv6 networks reach other networks through the "
              "host (interfaces with accept_ra 1 stop taking router advertisements)");
  }
  // Published ports are reached from the host at 127.0.0.1 too: the DNATed packets keep
  // their loopback source on the way out through the bridge (masqueraded there), which the
  // kernel refuses unless route_localnet is on for the bridge.
  if (localnet_bridge.empty()) return;
  const std::string name = "net/ipv4/conf/" + localnet_bridge + "/route_localnet";
  const auto value = host_->sysctl(name);
  if (!value) throw Error(fmt::format("cannot publish ports on bridge {}: it does not exist", localnet_bridge));
  if (*value != "1") host_->set_sysctl(name, "1");
}

void NftFirewall::apply(const FirewallState& state) {
  const std::string table = table_commands(table_, state);
  auto filters = [&] {
    std::string out;
    for (const HostFilter& f : host_filters()) out += host_filter_commands(table_, f, state);
    return out;
  };
  try {
    nft_->run(table + filters());
  } catch (const Error&) {
    // Someone (Docker) may have changed `ip filter` between our listing and our
    // transaction, so a handle went stale: list again and retry once.
    nft_->run(table + filters());
  }
}

std::vector<HostFilter> NftFirewall::host_filters() {
  // One listing of every family's tables; then only the filter tables that exist.
  const auto tables = nlohmann::json::parse(nft_->run("list tables", Nft::Output::Json), nullptr, false);
  if (!tables.is_object()) throw Error("nftables: cannot read the listing of the tables");
  std::vector<HostFilter> out;
  for (const char* family : {"ip", "ip6"})
    for (const auto& item : tables.value("nftables", nlohmann::json::array()))
      if (item.contains("table") && item["table"].value("name", "") == "filter" && item["table"].value("family", "") == family)
        out.push_back(parse_host_filter(table_, nft_->run(std::string("list table ") + family + " filter", Nft::Output::Json), family));
  return out;
}

std::unique_ptr<Firewall> make_firewall(const std::string& run_root, std::function<void(const std::string&)> notice) {
  return std::make_unique<NftFirewall>(run_root, make_libnftables(), make_system_firewall_host(), std::move(notice));
}

}  // namespace stack::net
