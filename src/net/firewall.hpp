// The firewall of stack's networks: the contract between Networks (which says when a
// bridge appears or goes), the commands that publish ports, and the nftables
// implementation (nft_firewall.hpp). Tests use testing/fake_firewall.hpp.
//
// Everything lives in nftables tables of our own ("table ip stack"; another run root
// than /run/stack has its own "stack_<hash>", see nft_firewall.hpp), changed one
// transaction per call; Docker's iptables rules (FORWARD policy DROP included) may be
// present on the host and must not stop our traffic.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stack::net {

// One bridge network, as the firewall needs it.
struct NetworkRules {
  std::string name;     // the network's name ("proj_default"), for messages
  std::string bridge;   // the Linux bridge ("stk-0123abcd45e")
  std::string subnet;   // IPv4 CIDR ("10.89.3.0/24")
  bool internal = false;  // no masquerade, no route out, no published ports
  std::string subnet6{};  // IPv6 CIDR, "" when the network has none
  bool operator==(const NetworkRules&) const = default;
};

// A `-p` / compose `ports:` request. Ports 0 mean "any free port" on the host side.
struct PortSpec {
  std::string host_ip;            // "" = every host address (0.0.0.0)
  uint16_t host_port = 0;         // first host port, 0 = random
  uint16_t host_port_end = 0;     // last host port of a range (== host_port when one)
  uint16_t container_port = 0;    // first container port
  uint16_t container_port_end = 0;
  std::string protocol = "tcp";   // "tcp" or "udp"
  bool operator==(const PortSpec&) const = default;
};

// One host port forwarded to one container port (a range publishes several).
struct PublishedPort {
  std::string host_ip;  // "" or "0.0.0.0" = every address
  uint16_t host_port = 0;
  uint16_t container_port = 0;
  std::string protocol = "tcp";
  std::string container_ip;
  std::string bridge;
  std::string container_ip6{};  // "" = IPv4 only; else the host's IPv6 addresses lead here too
  bool operator==(const PublishedPort&) const = default;
};

// A container's addresses on the bridge its ports are published on; one IPv4 address
// when its network has no IPv6.
struct ContainerAddresses {
  ContainerAddresses(const char* v4) : ipv4(v4) {}  // NOLINT: an IPv4 address alone reads naturally
  ContainerAddresses(std::string v4, std::string v6 = "") : ipv4(std::move(v4)), ipv6(std::move(v6)) {}  // NOLINT
  std::string ipv4;
  std::string ipv6;  // "" = none
};

// Docker's -p syntax: "80", "8080:80", "127.0.0.1:8080:80", "127.0.0.1::80",
// "8000-8010:80-90/udp". Throws stack::Error quoting the spec.
PortSpec parse_port_spec(std::string_view spec);

class Firewall {
 public:
  virtual ~Firewall() = default;
  // Masquerade (unless internal), forwarding in and out of the bridge, isolation from
  // every other stack bridge. Idempotent. The bridge must exist.
  virtual void add_network(const NetworkRules& network) = 0;
  // Removes every rule of the bridge, its published ports included. Nothing if absent.
  virtual void remove_network(const std::string& bridge) = 0;
  // Whether the bridge's rules were made (its record is written once they are in place).
  virtual bool has_network(const std::string& bridge) const = 0;
  // Publishes `ports` of the container `owner` (its id) at `container` on `bridge`,
  // all or nothing: a host port already in use (by anything on the host, or another
  // container) is a stack::Error naming the port, and nothing is changed. Random host
  // ports are chosen here. A port for every host address leads from the host's IPv6
  // addresses too (not ::1) when the container has an IPv6 address. Returns what was
  // published, in the order asked.
  virtual std::vector<PublishedPort> publish(const std::string& owner, const ContainerAddresses& container,
                                             const std::string& bridge, const std::vector<PortSpec>& ports) = 0;
  // Removes the owner's published ports. Nothing if it has none.
  virtual void unpublish(const std::string& owner) = 0;
  // What the owner has published (for `ps`, `port`, `inspect`).
  virtual std::vector<PublishedPort> published(const std::string& owner) const = 0;
};

// The nftables firewall, with its records and lock under <run_root>/firewall. `notice`
// receives what it changed on the host beyond its table ("net.ipv4.ip_forward set to 1").
std::unique_ptr<Firewall> make_firewall(const std::string& run_root,
                                        std::function<void(const std::string&)> notice);

}  // namespace stack::net
