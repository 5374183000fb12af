// IPv4 addresses and subnets as numbers (host byte order), for IPAM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace stack::net {

std::optional<uint32_t> parse_ipv4_address(const std::string& text);
std::string format_ipv4_address(uint32_t address);

struct Cidr {
  uint32_t network = 0;  // host bits cleared
  int prefix = 0;
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  uint32_t last() const { return network | ~mask(); }
  bool contains(uint32_t address) const { return (address & mask()) == network; }
  bool overlaps(const Cidr& other) const { return contains(other.network) || other.contains(network); }
  std::string text() const { return format_ipv4_address(network) + "/" + std::to_string(prefix); }
};

// "10.89.3.0/24" (a bare address is a /32); host bits are cleared. nullopt when malformed.
std::optional<Cidr> parse_cidr(const std::string& text);

}  // namespace stack::net
