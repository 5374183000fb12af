// IPv6 addresses and subnets as 128-bit numbers, for IPAM (the IPv4 side is ipv4.hpp).
#pragma once

#include <optional>
#include <string>

#include "net/cidr.hpp"

namespace stack::net {

using Address6 = unsigned __int128;

std::optional<Address6> parse_ipv6_address(const std::string& text);
std::string format_ipv6_address(Address6 address);  // canonical (RFC 5952) text

using Cidr6 = BasicCidr<Address6, 128, format_ipv6_address>;

// "fd12:3456:789a::/64" (a bare address is a /128); host bits are cleared. nullopt when
// malformed, or IPv4.
std::optional<Cidr6> parse_cidr6(const std::string& text);

// Whether an address or CIDR is written as IPv6 (it has a colon): decides which family a
// user's subnet, gateway or address belongs to before it is parsed.
inline bool looks_ipv6(const std::string& text) { return text.find(':') != std::string::npos; }

}  // namespace stack::net
