// A subnet as a number and a prefix length, for either family: ipv4.hpp and ipv6.hpp
// instantiate it over their address types (uint32_t, unsigned __int128).
#pragma once

#include <optional>
#include <string>

namespace stack::net {

template <typename Address, int Bits, std::string (*Format)(Address)>
struct BasicCidr {
  Address network = 0;  // host bits cleared
  int prefix = 0;
  Address mask() const { return prefix == 0 ? Address{0} : static_cast<Address>(~Address{0} << (Bits - prefix)); }
  Address last() const { return network | static_cast<Address>(~mask()); }
  bool contains(Address address) const { return (address & mask()) == network; }
  bool overlaps(const BasicCidr& other) const { return contains(other.network) || other.contains(network); }
  std::string text() const { return Format(network) + "/" + std::to_string(prefix); }
};

// "ADDRESS/PREFIX" (a bare address is a full-length prefix) through `parse_address`, host
// bits cleared; nullopt when malformed.
template <typename Cidr, int Bits, typename Parse>
std::optional<Cidr> parse_cidr_with(const std::string& text, Parse parse_address) {
  const size_t slash = text.find('/');
  const auto address = parse_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  int prefix = Bits;
  if (slash != std::string::npos) {
    const std::string digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    prefix = std::stoi(digits);
    if (prefix > Bits) return std::nullopt;
  }
  Cidr c;
  c.prefix = prefix;
  c.network = *address & c.mask();
  return c;
}

}  // namespace stack::net
