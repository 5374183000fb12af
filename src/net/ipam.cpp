#include "net/ipam.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::net {

namespace {

// What differs between the families in IPAM.
struct V4 {
  using Address = uint32_t;
  static constexpr const char* kName = "IPv4";
  static constexpr int kMaxPrefix = 30;
  static constexpr bool kBroadcast = true;  // the subnet's last address is no host's
  static std::optional<Cidr> cidr(const std::string& text) { return parse_cidr(text); }
  static std::optional<Address> address(const std::string& text) { return parse_ipv4_address(text); }
  static std::string text(Address a) { return format_ipv4_address(a); }
};

struct V6 {
  using Address = Address6;
  static constexpr const char* kName = "IPv6";
  static constexpr int kMaxPrefix = 126;
  static constexpr bool kBroadcast = false;
  static std::optional<Cidr6> cidr(const std::string& text) { return parse_cidr6(text); }
  static std::optional<Address> address(const std::string& text) { return parse_ipv6_address(text); }
  static std::string text(Address a) { return format_ipv6_address(a); }
};

template <typename F>
ResolvedPool resolve_family(const IpamPool& pool, const std::string& name) {
  const std::string who = "network " + name;
  const auto subnet = F::cidr(pool.subnet);
  if (!subnet || subnet->prefix > F::kMaxPrefix)
    throw Error(fmt::format("{}: invalid subnet \"{}\": expected an {} CIDR of /{} or larger", who, pool.subnet, F::kName,
                            F::kMaxPrefix));
  ResolvedPool out{subnet->text(), F::text(subnet->network + 1), ""};
  if (!pool.gateway.empty()) {
    const auto gw = F::address(pool.gateway);
    if (!gw || !subnet->contains(*gw) || *gw == subnet->network || (F::kBroadcast && *gw == subnet->last()))
      throw Error(who + ": invalid gateway \"" + pool.gateway + "\": not a host address of " + out.subnet);
    out.gateway = F::text(*gw);
  }
  if (!pool.ip_range.empty()) {
    const auto range = F::cidr(pool.ip_range);
    if (!range || !subnet->contains(range->network) || range->prefix < subnet->prefix)
      throw Error(who + ": invalid ip-range \"" + pool.ip_range + "\": not inside " + out.subnet);
    out.ip_range = range->text();
  }
  return out;
}

// One family's side of a network record.
struct FamilyRecord {
  const std::string& network;
  const std::string& subnet;
  const std::string& gateway;
  const std::string& ip_range;
};

template <typename F>
std::string allocate_family(const FamilyRecord& n, const std::set<std::string>& used, const std::string& requested) {
  const auto subnet = F::cidr(n.subnet);
  if (!subnet) throw Error(fmt::format("network {}: invalid {} subnet \"{}\" in its record", n.network, F::kName, n.subnet));
  const auto gateway = F::address(n.gateway);
  auto usable = [&](typename F::Address a) {
    return subnet->contains(a) && a != subnet->network && !(F::kBroadcast && a == subnet->last()) && (!gateway || a != *gateway);
  };
  if (!requested.empty()) {
    const auto a = F::address(requested);
    if (!a) throw Error(fmt::format("invalid {} address \"{}\"", F::kName, requested));
    if (!usable(*a))
      throw Error(fmt::format("no configured subnet contains IP address {} on network {} ({})", requested, n.network, n.subnet));
    if (used.count(F::text(*a))) throw Error("Address already in use: " + requested + " on network " + n.network);
    return F::text(*a);
  }
  const auto range = n.ip_range.empty() ? *subnet : F::cidr(n.ip_range).value_or(*subnet);
  // The used set is small: the walk ends within |used| + 2 steps of the range's start.
  for (typename F::Address a = range.network;; ++a) {
    if (usable(a) && !used.count(F::text(a))) return F::text(a);
    if (a == range.last()) break;
  }
  throw Error(fmt::format("no available {} address on network {} ({})", F::kName, n.network,
                          n.ip_range.empty() ? n.subnet : n.ip_range));
}

}  // namespace

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

ResolvedPool resolve_pool(const IpamPool& pool, const std::string& name) { return resolve_family<V4>(pool, name); }

std::string allocate_address(const NetworkInfo& network, const std::set<std::string>& used, const std::string& requested) {
  return allocate_family<V4>({network.name, network.subnet, network.gateway, network.ip_range}, used, requested);
}

std::string mac_for_address(const std::string& ipv4) {
  const uint32_t a = parse_ipv4_address(ipv4).value_or(0);
  return fmt::format("02:42:{:02x}:{:02x}:{:02x}:{:02x}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

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

ResolvedPool resolve_pool6(const IpamPool& pool, const std::string& name) { return resolve_family<V6>(pool, name); }

std::string allocate_address6(const NetworkInfo& network, const std::set<std::string>& used, const std::string& requested) {
  return allocate_family<V6>({network.name, network.subnet6, network.gateway6, network.ip_range6}, used, requested);
}

}  // namespace stack::net
