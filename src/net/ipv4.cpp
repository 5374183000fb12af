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

std::optional<Cidr> parse_cidr(const std::string& text) { return parse_cidr_with<Cidr, 32>(text, parse_ipv4_address); }

}  // namespace stack::net
