// IPv4/IPv6 text <-> bytes and subnet arithmetic for the DNS server (no allocation).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stack::net::dns {

using Ipv4 = std::array<uint8_t, 4>;
using Ipv6 = std::array<uint8_t, 16>;

std::optional<Ipv4> parse_ipv4(const std::string& text);
std::optional<Ipv6> parse_ipv6(const std::string& text);
std::string format_ipv4(const Ipv4& address);

struct Subnet4 {
  uint32_t network = 0;  // host byte order
  uint32_t mask = 0;
  bool contains(uint32_t address_host_order) const { return (address_host_order & mask) == network; }
};
// "10.89.3.0/24"; nullopt when malformed.
std::optional<Subnet4> parse_subnet4(const std::string& cidr);

uint32_t to_host_order(const Ipv4& address);

// The IPv4 address named by a reverse name "d.c.b.a.in-addr.arpa" (lower-case), or
// nullopt when the name is not a full in-addr.arpa name.
std::optional<uint32_t> parse_reverse4(std::string_view name);
// The IPv6 address named by "<32 nibbles, last first>.ip6.arpa" (lower-case), or nullopt
// when the name is not a full ip6.arpa name.
std::optional<Ipv6> parse_reverse6(std::string_view name);

}  // namespace stack::net::dns
