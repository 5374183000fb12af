#include "net/ipam.hpp"

#include <fmt/format.h>

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
