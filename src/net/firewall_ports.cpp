#include "net/firewall_ports.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <fmt/format.h>
#include <optional>

#include "base/error.hpp"

namespace stack::net {
namespace {

std::string where(const PublishedPort& p) {
  return fmt::format("{}:{}/{}", p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.host_port, p.protocol);
}

std::string short_id(const std::string& id) { return id.substr(0, 12); }

// The allocation in progress: what others hold, what the owner held, what is claimed.
class Allocation {
 public:
  Allocation(const PortRequest& request, const FirewallState& state, FirewallHost& host)
      : host_(host) {
    for (const auto& [owner, ports] : state.ports) {
      if (owner == request.owner)
        own_ = ports;
      else
        for (const auto& p : ports) taken_.push_back({owner, p});
    }
  }

  // The port `wanted` if it can be had; nullopt when busy (`why` says by whom).
  std::optional<PublishedPort> try_take(const PublishedPort& wanted, std::string* why) {
    for (const auto& claimed : claimed_)
      if (ports_clash(claimed, wanted)) return busy(why, fmt::format("port {} is asked for twice", where(wanted)));
    for (const auto& [owner, p] : taken_)
      if (ports_clash(p, wanted))
        return busy(why, fmt::format("port {} is already published by container {}", where(wanted), short_id(owner)));
    const bool held = std::find(own_.begin(), own_.end(), wanted) != own_.end();
    if (!held && !host_.port_free(wanted.protocol, wanted.host_ip, wanted.host_port))
      return busy(why, fmt::format("port {} is already in use on the host", where(wanted)));
    // Reached on the host's IPv6 addresses too: an IPv6-only listener there takes it.
    if (!held && !wanted.container_ip6.empty() && !host_.port_free(wanted.protocol, "::", wanted.host_port))
      return busy(why, fmt::format("port [::]:{}/{} is already in use on the host", wanted.host_port, wanted.protocol));
    claimed_.push_back(wanted);
    return wanted;
  }

  void take(const PublishedPort& wanted) {
    std::string why;
    if (!try_take(wanted, &why)) throw Error("cannot publish: " + why, "choose another host port, or stop what holds it");
  }

  // One the owner already published for this container port with any host port.
  std::optional<PublishedPort> held_random(const PublishedPort& wanted) {
    for (const auto& p : own_) {
      PublishedPort same = wanted;
      same.host_port = p.host_port;
      if (p == same && std::find(claimed_.begin(), claimed_.end(), p) == claimed_.end()) {
        claimed_.push_back(p);
        return p;
      }
    }
    return std::nullopt;
  }

  void take_random(PublishedPort wanted, uint32_t seed) {
    if (auto held = held_random(wanted)) return;
    const auto [first, last] = host_.ephemeral_ports();
    const uint32_t size = static_cast<uint32_t>(last - first) + 1;
    for (uint32_t i = 0; i < size; ++i) {
      wanted.host_port = static_cast<uint16_t>(first + (seed + i) % size);
      if (try_take(wanted, nullptr)) return;
    }
    throw Error(fmt::format("cannot publish container port {}/{}: no free host port in {}-{}", wanted.container_port,
                            wanted.protocol, first, last));
  }

  void take_any_of(PublishedPort wanted, uint16_t first, uint16_t last) {
    for (uint32_t port = first; port <= last; ++port) {
      wanted.host_port = static_cast<uint16_t>(port);
      if (try_take(wanted, nullptr)) return;
    }
    throw Error(fmt::format("cannot publish container port {}/{}: every host port of {}-{} is in use",
                            wanted.container_port, wanted.protocol, first, last));
  }

  std::vector<PublishedPort>& claimed() { return claimed_; }

 private:
  static std::nullopt_t busy(std::string* why, std::string text) {
    if (why) *why = std::move(text);
    return std::nullopt;
  }

  FirewallHost& host_;
  std::vector<std::pair<std::string, PublishedPort>> taken_;
  std::vector<PublishedPort> own_;
  std::vector<PublishedPort> claimed_;
};

void check_spec(const PortSpec& s) {
  const bool protocol_ok = s.protocol == "tcp" || s.protocol == "udp";
  in_addr a{};
  if (s.container_port == 0 || !protocol_ok || (!s.host_ip.empty() && ::inet_pton(AF_INET, s.host_ip.c_str(), &a) != 1))
    throw Error(fmt::format("invalid port to publish: container port {}/{}, host address \"{}\"", s.container_port,
                            s.protocol, s.host_ip));
}

}  // namespace

bool ports_clash(const PublishedPort& a, const PublishedPort& b) {
  const auto any = [](const std::string& ip) { return ip.empty() || ip == "0.0.0.0"; };
  return a.protocol == b.protocol && a.host_port == b.host_port &&
         (any(a.host_ip) || any(b.host_ip) || a.host_ip == b.host_ip);
}

std::vector<PublishedPort> allocate_ports(const PortRequest& request, const FirewallState& state,
                                          FirewallHost& host, uint32_t seed) {
  Allocation allocation(request, state, host);
  for (const PortSpec& spec : request.specs) {
    check_spec(spec);
    const uint16_t container_last = std::max(spec.container_port, spec.container_port_end);
    const uint16_t host_last = std::max(spec.host_port, spec.host_port_end);
    const unsigned count = container_last - spec.container_port + 1u;
    if (spec.host_port != 0 && count != 1 && host_last - spec.host_port + 1u != count)
      throw Error(fmt::format("cannot publish container ports {}-{}: host ports {}-{} differ in number",
                              spec.container_port, container_last, spec.host_port, host_last));
    const std::string ip = spec.host_ip == "0.0.0.0" ? "" : spec.host_ip;
    for (unsigned i = 0; i < count; ++i) {
      // Every host address: the IPv6 ones lead to the container's IPv6 address, if any.
      const PublishedPort wanted{ip, 0, static_cast<uint16_t>(spec.container_port + i), spec.protocol,
                                 request.container.ipv4, request.bridge, ip.empty() ? request.container.ipv6 : ""};
      if (spec.host_port == 0)
        allocation.take_random(wanted, seed);
      else if (count == 1 && host_last != spec.host_port)
        allocation.take_any_of(wanted, spec.host_port, host_last);
      else {
        PublishedPort exact = wanted;
        exact.host_port = static_cast<uint16_t>(spec.host_port + i);
        allocation.take(exact);
      }
    }
  }
  return allocation.claimed();
}

}  // namespace stack::net
