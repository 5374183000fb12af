#include "net/ipam.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::net {

std::vector<AddressPool> builtin_address_pools() { return {{"10.89.0.0/16", 24}}; }

std::vector<AddressPool> address_pools(const std::string& root) {
  const std::string path = root + "/config.json";
  const std::optional<std::string> text = base::read_file_if_exists(path);
  if (!text) return builtin_address_pools();
  std::vector<AddressPool> pools;
  try {
    const nlohmann::json doc = nlohmann::json::parse(*text);
    if (!doc.contains("default-address-pools")) return builtin_address_pools();
    for (const auto& entry : doc.at("default-address-pools")) {
      AddressPool p{entry.at("base").get<std::string>(), entry.at("size").get<int>()};
      const auto base = parse_cidr(p.base);
      if (!base || p.size < base->prefix || p.size > 30)
        throw Error("pool " + p.base + " size " + std::to_string(p.size) + ": the size must be between the base's prefix and 30");
      pools.push_back(p);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": invalid default-address-pools: " + e.what());
  } catch (const Error& e) {
    throw Error(path + ": invalid default-address-pools: " + e.what());
  }
  return pools.empty() ? builtin_address_pools() : pools;
}

std::string choose_subnet(const std::vector<AddressPool>& pools, const std::vector<std::string>& taken) {
  std::vector<Cidr> used;
  for (const std::string& t : taken)
    if (const auto c = parse_cidr(t)) used.push_back(*c);
  for (const AddressPool& pool : pools) {
    const auto base = parse_cidr(pool.base);
    if (!base) continue;
    const uint64_t count = uint64_t{1} << (pool.size - base->prefix);
    for (uint64_t i = 0; i < count; ++i) {
      const Cidr candidate{static_cast<uint32_t>(base->network + (i << (32 - pool.size))), pool.size};
      bool free = true;
      for (const Cidr& u : used) free = free && !candidate.overlaps(u);
      if (free) return candidate.text();
    }
  }
  throw Error("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network",
              "remove unused networks (stack network prune) or give a --subnet");
}

ResolvedPool resolve_pool(const IpamPool& pool, const std::string& name) {
  const std::string who = "network " + name;
  const auto subnet = parse_cidr(pool.subnet);
  if (!subnet || subnet->prefix > 30) throw Error(who + ": invalid subnet \"" + pool.subnet + "\": expected an IPv4 CIDR of /30 or larger");
  ResolvedPool out{subnet->text(), format_ipv4_address(subnet->network + 1), ""};
  if (!pool.gateway.empty()) {
    const auto gw = parse_ipv4_address(pool.gateway);
    if (!gw || !subnet->contains(*gw) || *gw == subnet->network || *gw == subnet->last())
      throw Error(who + ": invalid gateway \"" + pool.gateway + "\": not a host address of " + out.subnet);
    out.gateway = format_ipv4_address(*gw);
  }
  if (!pool.ip_range.empty()) {
    const auto range = parse_cidr(pool.ip_range);
    if (!range || !subnet->contains(range->network) || range->prefix < subnet->prefix)
      throw Error(who + ": invalid ip-range \"" + pool.ip_range + "\": not inside " + out.subnet);
    out.ip_range = range->text();
  }
  return out;
}

std::string allocate_address(const NetworkInfo& network, const std::set<std::string>& used, const std::string& requested) {
  const auto subnet = parse_cidr(network.subnet);
  if (!subnet) throw Error("network " + network.name + ": invalid subnet \"" + network.subnet + "\" in its record");
  const auto gateway = parse_ipv4_address(network.gateway);
  auto usable = [&](uint32_t a) {
    return subnet->contains(a) && a != subnet->network && a != subnet->last() && (!gateway || a != *gateway);
  };
  if (!requested.empty()) {
    const auto a = parse_ipv4_address(requested);
    if (!a) throw Error("invalid IPv4 address \"" + requested + "\"");
    if (!usable(*a)) throw Error(fmt::format("no configured subnet contains IP address {} on network {} ({})", requested, network.name, network.subnet));
    if (used.count(format_ipv4_address(*a))) throw Error("Address already in use: " + requested + " on network " + network.name);
    return format_ipv4_address(*a);
  }
  const Cidr range = network.ip_range.empty() ? *subnet : parse_cidr(network.ip_range).value_or(*subnet);
  for (uint64_t a = range.network; a <= range.last(); ++a) {
    const auto address = static_cast<uint32_t>(a);
    if (usable(address) && !used.count(format_ipv4_address(address))) return format_ipv4_address(address);
  }
  throw Error("no available IPv4 address on network " + network.name + " (" + (network.ip_range.empty() ? network.subnet : network.ip_range) + ")");
}

std::string mac_for_address(const std::string& ipv4) {
  const uint32_t a = parse_ipv4_address(ipv4).value_or(0);
  return fmt::format("02:42:{:02x}:{:02x}:{:02x}:{:02x}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

}  // namespace stack::net

namespace stack::net {

std::string choose_subnet6(const std::string& network_id, const std::vector<std::string>& taken) {
  std::vector<Cidr6> used;
  for (const std::string& t : taken)
    if (const auto c = parse_cidr6(t)) used.push_back(*c);
  // Each 10-hex window of the id is a candidate global ID: a clash moves to the next.
  for (size_t at = 0; at + 10 <= network_id.size(); ++at) {
    Address6 global = 0;
    bool hex = true;
    for (char c : network_id.substr(at, 10)) {
      const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      hex = hex && digit >= 0;
      global = global << 4 | static_cast<Address6>(digit < 0 ? 0 : digit);
    }
    if (!hex) continue;
    const Cidr6 candidate{(Address6{0xfd} << 120) | (global << 80), 64};
    if (std::none_of(used.begin(), used.end(), [&](const Cidr6& u) { return candidate.overlaps(u); })) return candidate.text();
  }
  throw Error("could not find an available, non-overlapping IPv6 address pool for the network",
              "give the network an IPv6 subnet (ipam config, or --subnet)");
}

ResolvedPool resolve_pool6(const IpamPool& pool, const std::string& name) {
  const std::string who = "network " + name;
  const auto subnet = parse_cidr6(pool.subnet);
  if (!subnet || subnet->prefix > 126)
    throw Error(who + ": invalid subnet \"" + pool.subnet + "\": expected an IPv6 CIDR of /126 or larger");
  ResolvedPool out{subnet->text(), format_ipv6_address(subnet->network + 1), ""};
  if (!pool.gateway.empty()) {
    const auto gw = parse_ipv6_address(pool.gateway);
    if (!gw || !subnet->contains(*gw) || *gw == subnet->network)
      throw Error(who + ": invalid gateway \"" + pool.gateway + "\": not a host address of " + out.subnet);
    out.gateway = format_ipv6_address(*gw);
  }
  if (!pool.ip_range.empty()) {
    const auto range = parse_cidr6(pool.ip_range);
    if (!range || !subnet->contains(range->network) || range->prefix < subnet->prefix)
      throw Error(who + ": invalid ip-range \"" + pool.ip_range + "\": not inside " + out.subnet);
    out.ip_range = range->text();
  }
  return out;
}

std::string allocate_address6(const NetworkInfo& network, const std::set<std::string>& used, const std::string& requested) {
  const auto subnet = parse_cidr6(network.subnet6);
  if (!subnet) throw Error("network " + network.name + ": invalid IPv6 subnet \"" + network.subnet6 + "\" in its record");
  const auto gateway = parse_ipv6_address(network.gateway6);
  auto usable = [&](Address6 a) { return subnet->contains(a) && a != subnet->network && (!gateway || a != *gateway); };
  if (!requested.empty()) {
    const auto a = parse_ipv6_address(requested);
    if (!a) throw Error("invalid IPv6 address \"" + requested + "\"");
    if (!usable(*a))
      throw Error(fmt::format("no configured subnet contains IP address {} on network {} ({})", requested, network.name, network.subnet6));
    if (used.count(format_ipv6_address(*a))) throw Error("Address already in use: " + requested + " on network " + network.name);
    return format_ipv6_address(*a);
  }
  const Cidr6 range = network.ip_range6.empty() ? *subnet : parse_cidr6(network.ip_range6).value_or(*subnet);
  // The used set is small: the walk ends within |used| + 2 steps of the range's start.
  for (Address6 a = range.network;; ++a) {
    if (usable(a) && !used.count(format_ipv6_address(a))) return format_ipv6_address(a);
    if (a == range.last()) break;
  }
  throw Error("no available IPv6 address on network " + network.name + " (" + range.text() + ")");
}

}  // namespace stack::net
