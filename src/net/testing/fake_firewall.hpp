// An in-memory Firewall for the unit tests of Networks, the CLI and the orchestrator:
// the same decisions as the real one (port allocation and conflicts, internal networks
// refuse published ports), no nftables, no records. Host ports are all free unless
// `host.busy` says otherwise; random ones come from host.ephemeral in order.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "net/firewall.hpp"
#include "net/firewall_ports.hpp"
#include "net/firewall_records.hpp"
#include "net/testing/fake_firewall_host.hpp"

namespace stack::net::testing {

class FakeFirewall final : public Firewall {
 public:
  void add_network(const NetworkRules& network) override { state.networks[network.bridge] = network; }

  void remove_network(const std::string& bridge) override {
    state.networks.erase(bridge);
    for (auto it = state.ports.begin(); it != state.ports.end();) {
      std::erase_if(it->second, [&](const PublishedPort& p) { return p.bridge == bridge; });
      it = it->second.empty() ? state.ports.erase(it) : std::next(it);
    }
  }

  std::vector<PublishedPort> publish(const std::string& owner, const ContainerAddresses& container,
                                     const std::string& bridge, const std::vector<PortSpec>& ports) override {
    if (ports.empty()) return {};
    if (auto n = state.networks.find(bridge); n != state.networks.end() && n->second.internal)
      throw Error(fmt::format("cannot publish ports on network {}: it is internal", n->second.name));
    auto result = allocate_ports({owner, container, bridge, ports}, state, host, 0);
    auto& mine = state.ports[owner];
    for (const auto& p : result)
      if (std::find(mine.begin(), mine.end(), p) == mine.end()) mine.push_back(p);
    return result;
  }

  void unpublish(const std::string& owner) override { state.ports.erase(owner); }

  std::vector<PublishedPort> published(const std::string& owner) const override {
    auto it = state.ports.find(owner);
    return it == state.ports.end() ? std::vector<PublishedPort>{} : it->second;
  }

  bool has_network(const std::string& bridge) const override { return state.networks.count(bridge) > 0; }

  FirewallState state;
  FakeFirewallHost host;
};

}  // namespace stack::net::testing
