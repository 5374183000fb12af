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

std::optional<Cidr6> parse_cidr6(const std::string& text) {
  const size_t slash = text.find('/');
  const auto address = parse_ipv6_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  int prefix = 128;
  if (slash != std::string::npos) {
    const std::string bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    prefix = std::stoi(bits);
    if (prefix > 128) return std::nullopt;
  }
  Cidr6 c;
  c.prefix = prefix;
  c.network = *address & c.mask();
  return c;
}

}  // namespace stack::net
