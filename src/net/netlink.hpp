// The kernel side of networks, behind a small interface so that Networks (records, IPAM,
// naming) is unit-tested with testing/fake_netlink.hpp and the root-only tests prove the
// real one (nl_netlink.cpp, over libnl-route; never the `ip` command).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace stack::net {

// One end of a container's veth pair: the host side joins `bridge`, the peer is created
// directly inside the namespace at `netns_path` (IFLA_NET_NS_FD on the peer: moving an
// existing veth costs ~17 ms here, creating it in place ~0.4 ms).
struct VethRequest {
  std::string host_name;   // on the host, at most 15 characters
  std::string bridge;
  std::string netns_path;
  std::string peer_name;   // "eth0", ...
  std::string address;     // "10.89.3.2/24"
  std::string mac;         // "02:42:0a:59:03:02"
  std::string gateway;     // "" = no default route through this interface
  int mtu = 1500;
  std::string address6{};  // "fd12::2/64", "" = none (the network has no IPv6)
  std::string gateway6{};  // "" = no IPv6 default route through this interface
};

class Netlink {
 public:
  virtual ~Netlink() = default;
  // Creates the bridge if missing, gives it `address` ("10.89.3.1/24"), `address6`
  // ("fd12::1/64", "" = none) and `mtu`, sets it up. IPv6 addresses skip duplicate
  // address detection: stack's IPAM already made them unique.
  virtual void ensure_bridge(const std::string& name, const std::string& address, const std::string& address6, int mtu) = 0;
  virtual bool link_exists(const std::string& name) = 0;
  // Deletes a link of the host's namespace (a veth takes its peer along); nothing if absent.
  // delete_link, create_netns and add_veth may run beside the other calls (from other
  // threads); the rest are called one at a time.
  virtual void delete_link(const std::string& name) = 0;
  // A new network namespace with loopback up, persisted by a bind mount at `path`.
  virtual void create_netns(const std::string& path) = 0;
  // Unmounts and removes it (what is inside goes with it); nothing if absent.
  virtual void delete_netns(const std::string& path) = 0;
  virtual void add_veth(const VethRequest& request) = 0;
  // Puts the host end of a veth (back) on the bridge, up; nothing when the link is gone.
  virtual void attach_link(const std::string& link, const std::string& bridge) = 0;
  // Every subnet the host uses, IPv4 and IPv6: its addresses' networks and its routes'
  // destinations (default routes, link-local and multicast left out), as CIDRs.
  virtual std::vector<std::string> host_subnets() = 0;
  // The MTU of the device of the host's default route (1500 when there is none).
  virtual int uplink_mtu() = 0;
};

std::unique_ptr<Netlink> system_netlink();

}  // namespace stack::net
