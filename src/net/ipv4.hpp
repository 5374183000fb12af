// IPv4 addresses and subnets as numbers (host byte order), for IPAM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "net/cidr.hpp"

namespace stack::net {

std::optional<uint32_t> parse_ipv4_address(const std::string& text);
std::string format_ipv4_address(uint32_t address);

using Cidr = BasicCidr<uint32_t, 32, format_ipv4_address>;

// "10.89.3.0/24" (a bare address is a /32); host bits are cleared. nullopt when malformed.
std::optional<Cidr> parse_cidr(const std::string& text);

}  // namespace stack::net
