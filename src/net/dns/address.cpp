#include "net/dns/address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace stack::net::dns {

std::optional<Ipv4> parse_ipv4(const std::string& text) {
  Ipv4 out{};
  if (::inet_pton(AF_INET, text.c_str(), out.data()) != 1) return std::nullopt;
  return out;
}

std::optional<Ipv6> parse_ipv6(const std::string& text) {
  Ipv6 out{};
  if (::inet_pton(AF_INET6, text.c_str(), out.data()) != 1) return std::nullopt;
  return out;
}

std::string format_ipv4(const Ipv4& address) {
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, address.data(), text, sizeof text);
  return text;
}

uint32_t to_host_order(const Ipv4& a) {
  return static_cast<uint32_t>(a[0]) << 24 | static_cast<uint32_t>(a[1]) << 16 | static_cast<uint32_t>(a[2]) << 8 | a[3];
}

std::optional<Subnet4> parse_subnet4(const std::string& cidr) {
  const size_t slash = cidr.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto address = parse_ipv4(cidr.substr(0, slash));
  int prefix = -1;
  const char* first = cidr.data() + slash + 1;
  const char* last = cidr.data() + cidr.size();
  auto [end, ec] = std::from_chars(first, last, prefix);
  if (!address || ec != std::errc() || end != last || first == last || prefix < 0 || prefix > 32) return std::nullopt;
  Subnet4 s;
  s.mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  s.network = to_host_order(*address) & s.mask;
  return s;
}

std::optional<uint32_t> parse_reverse4(std::string_view name) {
  constexpr std::string_view kSuffix = ".in-addr.arpa";
  if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) return std::nullopt;
  std::string_view rest = name.substr(0, name.size() - kSuffix.size());
  uint32_t address = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    unsigned octet = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), octet);
    if (part.empty() || part.size() > 3 || ec != std::errc() || end != part.data() + part.size() || octet > 255)
      return std::nullopt;
    address |= octet << (8 * i);  // the first label is the last octet
    if ((dot == std::string_view::npos) != (i == 3)) return std::nullopt;
    if (dot != std::string_view::npos) rest = rest.substr(dot + 1);
  }
  return address;
}

std::optional<Ipv6> parse_reverse6(std::string_view name) {
  constexpr std::string_view kSuffix = ".ip6.arpa";
  // 32 one-nibble labels, each followed by a dot but the last.
  if (name.size() != 63 + kSuffix.size() || name.substr(63) != kSuffix) return std::nullopt;
  Ipv6 out{};
  for (int i = 0; i < 32; ++i) {
    const char c = name[2 * i];
    if ((i < 31 && name[2 * i + 1] != '.')) return std::nullopt;
    const int nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (nibble < 0) return std::nullopt;
    const int at = 31 - i;  // the first label is the last nibble
    out[at / 2] |= static_cast<uint8_t>(at % 2 ? nibble : nibble << 4);
  }
  return out;
}

}  // namespace stack::net::dns
