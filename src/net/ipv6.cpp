#include "net/ipv6.hpp"

#include <arpa/inet.h>

namespace stack::net {

std::optional<Address6> parse_ipv6_address(const std::string& text) {
  unsigned char bytes[16];
  if (::inet_pton(AF_INET6, text.c_str(), bytes) != 1) return std::nullopt;
  Address6 out = 0;
  for (unsigned char b : bytes) out = out << 8 | b;
  return out;
}

std::string format_ipv6_address(Address6 address) {
  unsigned char bytes[16];
  for (int i = 15; i >= 0; --i, address >>= 8) bytes[i] = static_cast<unsigned char>(address & 0xff);
  char text[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, bytes, text, sizeof text);
  return text;
}

std::optional<Cidr6> parse_cidr6(const std::string& text) { return parse_cidr_with<Cidr6, 128>(text, parse_ipv6_address); }

}  // namespace stack::net
