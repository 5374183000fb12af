// Ports short syntax, as compose-go's ParsePortConfig reads it through
// docker/go-connections nat.ParsePortSpec: "[ip:][host[-end]:]container[-end][/proto]".
#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fmt/format.h>
#include <optional>

#include "base/error.hpp"
#include "base/strings.hpp"
#include "compose/syntax.hpp"

namespace stack::compose {
namespace {

struct PortRange {
  uint32_t start = 0;
  uint32_t end = 0;
  bool is_range() const { return start != end; }
};

// Go's strconv.ParseUint(s, 10, 16): digits only, at most 65535.
std::optional<uint32_t> parse_port_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint32_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || value > 65535) return std::nullopt;
  return value;
}

// "80" or "8000-8010" (end not below start). nat ignores a third "-" part; we reject it.
std::optional<PortRange> parse_port_range(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    auto port = parse_port_number(s);
    if (!port) return std::nullopt;
    return PortRange{*port, *port};
  }
  auto start = parse_port_number(s.substr(0, dash));
  auto end = parse_port_number(s.substr(dash + 1));
  if (!start || !end || *end < *start) return std::nullopt;
  return PortRange{*start, *end};
}

[[noreturn]] void fail(std::string_view spec, const std::string& reason) {
  throw Error(fmt::format("invalid port \"{}\": {}", spec, reason));
}

bool is_ip_address(const std::string& ip) {
  unsigned char buf[16];
  return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

struct SpecParts {
  std::string host_ip;
  std::string_view host_port;
  std::string_view container;  // port or range, protocol already cut off
  std::string protocol;
};

// Splits on ':' from the right: the last part is the container port, the one before it
// the host port, and everything before that (colons included) the host IP, so bare
// IPv6 addresses such as "::1:8080:80" work as they do with docker.
SpecParts split_spec(std::string_view spec) {
  SpecParts parts;
  size_t last = spec.rfind(':');
  std::string_view container_proto = last == std::string_view::npos ? spec : spec.substr(last + 1);
  if (last != std::string_view::npos) {
    std::string_view rest = spec.substr(0, last);
    size_t prev = rest.rfind(':');
    parts.host_port = prev == std::string_view::npos ? rest : rest.substr(prev + 1);
    if (prev != std::string_view::npos) parts.host_ip = std::string(rest.substr(0, prev));
  }
  size_t slash = container_proto.find('/');
  parts.container = container_proto.substr(0, slash);
  parts.protocol = slash == std::string_view::npos ? "" : std::string(container_proto.substr(slash + 1));
  parts.protocol = base::to_lower(parts.protocol);
  if (parts.protocol.empty()) parts.protocol = "tcp";
  if (parts.container.empty()) fail(spec, "no container port specified");
  if (parts.protocol != "tcp" && parts.protocol != "udp" && parts.protocol != "sctp")
    fail(spec, "invalid proto: " + parts.protocol);
  if (parts.host_ip.size() >= 2 && parts.host_ip.front() == '[' && parts.host_ip.back() == ']')
    parts.host_ip = parts.host_ip.substr(1, parts.host_ip.size() - 2);
  if (!parts.host_ip.empty() && !is_ip_address(parts.host_ip)) fail(spec, "invalid IP address: " + parts.host_ip);
  return parts;
}

}  // namespace

std::vector<ServicePort> parse_port_spec(std::string_view spec) {
  SpecParts parts = split_spec(spec);

  auto container = parse_port_range(parts.container);
  if (!container || container->start == 0) fail(spec, fmt::format("invalid containerPort: {}", parts.container));
  std::optional<PortRange> host;
  if (!parts.host_port.empty()) {
    host = parse_port_range(parts.host_port);
    if (!host) fail(spec, fmt::format("invalid hostPort: {}", parts.host_port));
    // A host range may differ in length only when it is the pool for one container port.
    if (host->end - host->start != container->end - container->start && container->is_range())
      fail(spec, fmt::format("invalid ranges specified for container and host Ports: {} and {}", parts.container,
                       parts.host_port));
  }

  std::vector<ServicePort> ports;
  for (uint32_t i = 0; i <= container->end - container->start; ++i) {
    ServicePort port;
    port.host_ip = parts.host_ip;
    port.target = container->start + i;
    port.protocol = parts.protocol;
    if (host) {
      port.published = std::to_string(host->start + i);
      if (!container->is_range() && host->is_range()) port.published += "-" + std::to_string(host->end);
    }
    ports.push_back(std::move(port));
  }
  // compose-go sorts the expanded ports by their "<port>/<proto>" text; keep its order
  // so `stack config` prints ranges exactly like `docker compose config` (100 before 98).
  std::stable_sort(ports.begin(), ports.end(), [](const ServicePort& a, const ServicePort& b) {
    return std::to_string(a.target) < std::to_string(b.target);
  });
  return ports;
}

}  // namespace stack::compose
