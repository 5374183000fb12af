// Docker's -p syntax, as its nat.ParsePortSpec reads it: the last ':'-field is the
// container part (PORT[-END][/PROTO]), the one before it the host port (empty = random),
// everything before that the host address ("[::1]" brackets stripped). So "::80" is
// "every address, random port, container port 80".
#include "net/firewall_port_spec.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

#include "base/error.hpp"
#include "base/strings.hpp"

namespace stack::net {
namespace {

struct Range {
  uint16_t first = 0;
  uint16_t last = 0;
};

[[noreturn]] void invalid(std::string_view spec, std::string_view why) {
  throw Error(fmt::format("invalid port specification \"{}\": {}", spec, why),
              "expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. 127.0.0.1:8080:80/tcp");
}

uint16_t parse_port(std::string_view spec, std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    invalid(spec, fmt::format("\"{}\" is not a port number", text));
  if (value < 1 || value > 65535) invalid(spec, fmt::format("port {} is out of range 1-65535", text));
  return static_cast<uint16_t>(value);
}

// "80" or "8000-8010".
Range parse_range(std::string_view spec, std::string_view text) {
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    const uint16_t port = parse_port(spec, text);
    return {port, port};
  }
  const Range range{parse_port(spec, text.substr(0, dash)), parse_port(spec, text.substr(dash + 1))};
  if (range.last < range.first) invalid(spec, fmt::format("range {} ends before it starts", text));
  return range;
}

std::string parse_protocol(std::string_view spec, std::string_view text) {
  std::string protocol = base::to_lower(text);
  if (protocol != "tcp" && protocol != "udp") invalid(spec, fmt::format("protocol \"{}\" is not tcp or udp", text));
  return protocol;
}

// The "/PROTO" suffix of `rest`, cut off it ("tcp" when there is none).
std::string take_protocol(std::string_view spec, std::string_view& rest) {
  const size_t slash = rest.rfind('/');
  if (slash == std::string_view::npos) return "tcp";
  std::string protocol = parse_protocol(spec, rest.substr(slash + 1));
  rest = rest.substr(0, slash);
  return protocol;
}

// "" and "0.0.0.0" mean every address; IPv6 is refused (stack's networks are IPv4).
std::string parse_host_ip(std::string_view spec, std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text == "0.0.0.0") return "";
  const std::string ip(text);
  in_addr v4{};
  if (::inet_pton(AF_INET, ip.c_str(), &v4) == 1) return ip;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, ip.c_str(), &v6) == 1) invalid(spec, "IPv6 host addresses are not supported");
  invalid(spec, fmt::format("\"{}\" is not an IPv4 address", text));
}

uint16_t range_size(Range r) { return static_cast<uint16_t>(r.last - r.first); }

}  // namespace

PortSpec parse_port_spec(std::string_view spec) {
  std::string_view rest = spec;
  const std::string protocol = take_protocol(spec, rest);
  std::string_view host_ip, host_port;
  const size_t last_colon = rest.rfind(':');
  std::string_view container = rest.substr(last_colon == std::string_view::npos ? 0 : last_colon + 1);
  if (last_colon != std::string_view::npos) {
    const std::string_view front = rest.substr(0, last_colon);
    const size_t colon = front.rfind(':');
    host_port = colon == std::string_view::npos ? front : front.substr(colon + 1);
    if (colon != std::string_view::npos) host_ip = front.substr(0, colon);
  }
  if (container.empty()) invalid(spec, "no container port");

  PortSpec out;
  out.protocol = protocol;
  out.host_ip = parse_host_ip(spec, host_ip);
  const Range inside = parse_range(spec, container);
  out.container_port = inside.first;
  out.container_port_end = inside.last;
  if (!host_port.empty()) {
    const Range outside = parse_range(spec, host_port);
    // One container port may take any one port of a host range; ranges map one to one.
    if (range_size(inside) != 0 && range_size(inside) != range_size(outside))
      invalid(spec, "the host and container port ranges differ in size");
    out.host_port = outside.first;
    out.host_port_end = outside.last;
  }
  return out;
}

PortSpec exposed_port_spec(std::string_view exposed) {
  std::string_view ports = exposed;
  const std::string protocol = take_protocol(exposed, ports);
  const Range range = parse_range(exposed, ports);
  PortSpec out;
  out.protocol = protocol;
  out.container_port = range.first;
  out.container_port_end = range.last;
  return out;
}

std::vector<PortSpec> with_exposed_ports(std::vector<PortSpec> given, const std::vector<std::string>& exposed) {
  const auto covered = [&given](uint16_t port, const std::string& protocol) {
    return std::any_of(given.begin(), given.end(), [&](const PortSpec& s) {
      return s.protocol == protocol && s.container_port <= port && port <= std::max(s.container_port, s.container_port_end);
    });
  };
  std::vector<PortSpec> added;
  for (const auto& key : exposed) {
    const PortSpec spec = exposed_port_spec(key);
    for (uint32_t port = spec.container_port; port <= spec.container_port_end; ++port)
      if (!covered(static_cast<uint16_t>(port), spec.protocol))
        added.push_back({"", 0, 0, static_cast<uint16_t>(port), static_cast<uint16_t>(port), spec.protocol});
  }
  given.insert(given.end(), added.begin(), added.end());
  return given;
}

std::vector<std::string> published_at(const PublishedPort& port) {
  std::vector<std::string> out{fmt::format("{}:{}", port.host_ip.empty() ? "0.0.0.0" : port.host_ip, port.host_port)};
  if (!port.container_ip6.empty()) out.push_back(fmt::format("[::]:{}", port.host_port));
  return out;
}

std::string format_published(const PublishedPort& port) {
  std::string out;
  for (const std::string& at : published_at(port))
    out += fmt::format("{}{}/{} -> {}", out.empty() ? "" : "\n", port.container_port, port.protocol, at);
  return out;
}

}  // namespace stack::net
