// IPAM decisions, pure: which subnet a new network gets, which address a container gets.
// The records they decide from (networks, sandboxes, the host's subnets) are read by
// Networks under its lock, so that concurrent stack commands never decide alike.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "net/ipv4.hpp"
#include "net/ipv6.hpp"
#include "net/networks.hpp"

namespace stack::net {

// Docker's "default-address-pools" entry: `base` is cut into subnets of `size` bits.
struct AddressPool {
  std::string base;
  int size = 24;
};

// stack's own pool: 10.89.0.0/16 in /24s (docker's 172.17-31/16 are often taken by docker
// itself on the same host).
std::vector<AddressPool> builtin_address_pools();
// "default-address-pools" of <root>/config.json (docker daemon.json's shape), else the
// builtin ones. A malformed file is a stack::Error naming it.
std::vector<AddressPool> address_pools(const std::string& root);

// The first subnet of the pools overlapping none of `taken` (CIDRs). Throws docker's
// "could not find an available, non-overlapping IPv4 address pool" when all are.
std::string choose_subnet(const std::vector<AddressPool>& pools, const std::vector<std::string>& taken);

// Subnet, gateway and range of a network from the user's pool (subnet given), checked:
// gateway and range inside the subnet, host bits of the subnet cleared. `name` for messages.
struct ResolvedPool {
  std::string subnet;
  std::string gateway;
  std::string ip_range;  // "" = the whole subnet
};
ResolvedPool resolve_pool(const IpamPool& pool, const std::string& name);

// An address for a container: `requested` when given (must be in the subnet and free),
// else the lowest free one of the range. Never the network, broadcast or gateway address.
std::string allocate_address(const NetworkInfo& network, const std::set<std::string>& used, const std::string& requested);

// IPv6 (networks with enable_ipv6). The subnet of a network given none: a /64 of the
// unique local range (fd00::/8) whose 40-bit global ID comes from the network's random id,
// as RFC 4193 asks, overlapping none of `taken` (CIDRs of either family).
std::string choose_subnet6(const std::string& network_id, const std::vector<std::string>& taken);
// The user's IPv6 pool checked as resolve_pool does (the gateway defaults to the subnet's
// first address; a subnet has room for at least two hosts).
ResolvedPool resolve_pool6(const IpamPool& pool, const std::string& name);
// As allocate_address, on the network's IPv6 subnet (subnet6, gateway6, ip_range6). The
// subnet's own address (the subnet-router anycast) is never handed out.
std::string allocate_address6(const NetworkInfo& network, const std::set<std::string>& used, const std::string& requested);

// Docker's MAC for an address: 02:42 then the four bytes of the address.
std::string mac_for_address(const std::string& ipv4);

}  // namespace stack::net
