// What the firewall asks of the host besides nftables: whether a port is free (by
// binding it), the ephemeral port range, and sysctls. An interface so that port
// allocation and sysctl handling are unit-tested (testing/fake_firewall_host.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace stack::net {

class FirewallHost {
 public:
  virtual ~FirewallHost() = default;
  // True when a socket could take the port now (TCP: bind and listen; UDP: bind) on
  // `host_ip` ("" = every IPv4 address, "::" = every IPv6 address only). The socket is
  // closed again at once. An address that is not the host's own is a stack::Error naming it.
  virtual bool port_free(const std::string& protocol, const std::string& host_ip, uint16_t port) = 0;
  // net.ipv4.ip_local_port_range, where random host ports come from.
  virtual std::pair<uint16_t, uint16_t> ephemeral_ports() = 0;
  // A sysctl by its path under /proc/sys ("net/ipv4/ip_forward": slashes, since interface
  // names may hold dots); nullopt when it does not exist.
  virtual std::optional<std::string> sysctl(const std::string& name) = 0;
  virtual void set_sysctl(const std::string& name, const std::string& value) = 0;
  // True when iptables-legacy has a filter table (/proc/net/ip_tables_names): rules that
  // nftables cannot see or change, Docker's FORWARD policy DROP perhaps among them.
  virtual bool legacy_iptables_filter() = 0;
};

// The real host (the calling thread's network namespace).
std::unique_ptr<FirewallHost> make_system_firewall_host();

}  // namespace stack::net
