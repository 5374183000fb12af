// Port allocation, decided before anything changes: each requested port becomes one
// host port, checked against every port published by the other containers and against
// the host's sockets (FirewallHost::port_free); random host ports come from the
// ephemeral range, avoiding both. A conflict is a stack::Error naming the port.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/firewall.hpp"
#include "net/firewall_host.hpp"
#include "net/firewall_records.hpp"

namespace stack::net {

struct PortRequest {
  std::string owner;
  ContainerAddresses container;
  std::string bridge;
  std::vector<PortSpec> specs;
};

// The ports to publish, in the order asked (a range gives one per container port). A
// port the owner already publishes identically is kept (publishing again is idempotent,
// and asks for no random port anew). `seed` picks where the search for random ports starts.
std::vector<PublishedPort> allocate_ports(const PortRequest& request, const FirewallState& state,
                                          FirewallHost& host, uint32_t seed);

// Two published ports that would take the same host socket.
bool ports_clash(const PublishedPort& a, const PublishedPort& b);

}  // namespace stack::net
