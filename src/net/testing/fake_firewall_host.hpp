// A FirewallHost in memory: ports are free unless listed busy, sysctls are a map (a
// bridge's appear once `add_bridge` names it), the ephemeral range is small and fixed.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "net/firewall_host.hpp"

namespace stack::net::testing {

class FakeFirewallHost final : public FirewallHost {
 public:
  bool port_free(const std::string& protocol, const std::string& host_ip, uint16_t port) override {
    ++probes;
    return !busy.count({protocol, port}) && !busy_on.count({protocol, host_ip, port});
  }
  std::pair<uint16_t, uint16_t> ephemeral_ports() override { return ephemeral; }
  std::optional<std::string> sysctl(const std::string& name) override {
    auto it = sysctls.find(name);
    if (it == sysctls.end()) return std::nullopt;
    return it->second;
  }
  void set_sysctl(const std::string& name, const std::string& value) override { sysctls[name] = value; }

  bool legacy_iptables_filter() override { return legacy_filter; }

  void add_bridge(const std::string& bridge) { sysctls["net/ipv4/conf/" + bridge + "/route_localnet"] = "0"; }

  std::set<std::pair<std::string, uint16_t>> busy;                   // {protocol, port}: on every address
  std::set<std::tuple<std::string, std::string, uint16_t>> busy_on;  // {protocol, host_ip, port}
  std::pair<uint16_t, uint16_t> ephemeral{40000, 40009};
  std::map<std::string, std::string> sysctls{{"net/ipv4/ip_forward", "0"}};
  bool legacy_filter = false;
  int probes = 0;
};

}  // namespace stack::net::testing
