#include "net/ipv4.hpp"

#include <arpa/inet.h>

namespace stack::net {

std::optional<uint32_t> parse_ipv4_address(const std::string& text) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string format_ipv4_address(uint32_t address) {
  in_addr a{htonl(address)};
  char buf[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

std::optional<Cidr> parse_cidr(const std::string& text) {
  const size_t slash = text.find('/');
  const auto address = parse_ipv4_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  int prefix = 32;
  if (slash != std::string::npos) {
    const std::string bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 2 || bits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    prefix = std::stoi(bits);
    if (prefix > 32) return std::nullopt;
  }
  Cidr c;
  c.prefix = prefix;
  c.network = *address & c.mask();
  return c;
}

}  // namespace stack::net
