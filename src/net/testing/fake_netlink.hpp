// A Netlink that records links and namespaces in memory, for unit tests of Networks.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "net/netlink.hpp"

namespace stack::net::testing {

class FakeNetlink : public Netlink {
 public:
  std::map<std::string, std::string> bridges;  // name -> address
  std::map<std::string, std::string> bridges6;  // name -> IPv6 address (only those with one)
  std::map<std::string, VethRequest> veths;    // host name -> request
  std::set<std::string> namespaces;
  std::vector<std::string> attached;  // links attach_link was asked to put on a bridge
  std::function<void()> before_delete;  // runs at the start of delete_link (a race's other side)
  std::function<void(const std::string&)> before_netns;  // runs at the start of create_netns, given the path
  std::vector<std::string> subnets_in_use{"192.0.2.0/24"};
  int mtu = 1400;
  bool fail_veth = false;

  void ensure_bridge(const std::string& name, const std::string& address, const std::string& address6, int) override {
    bridges[name] = address;
    if (!address6.empty()) bridges6[name] = address6;
  }
  bool link_exists(const std::string& name) override { return bridges.count(name) || veths.count(name); }
  void delete_link(const std::string& name) override {
    if (before_delete) before_delete();
    bridges.erase(name);
    bridges6.erase(name);
    veths.erase(name);
  }
  void create_netns(const std::string& path) override {
    if (before_netns) before_netns(path);
    if (!namespaces.insert(path).second) throw Error("netns " + path + " exists");
  }
  void delete_netns(const std::string& path) override {
    namespaces.erase(path);
    for (auto it = veths.begin(); it != veths.end();) it = it->second.netns_path == path ? veths.erase(it) : std::next(it);
  }
  void add_veth(const VethRequest& r) override {
    if (fail_veth) throw Error("veth refused");
    if (!bridges.count(r.bridge)) throw Error("no bridge " + r.bridge);
    if (!namespaces.count(r.netns_path)) throw Error("no netns " + r.netns_path);
    veths[r.host_name] = r;
  }
  void attach_link(const std::string& link, const std::string& bridge) override {
    if (!bridges.count(bridge)) throw Error("no bridge " + bridge);
    if (auto it = veths.find(link); it != veths.end()) it->second.bridge = bridge;
    attached.push_back(link);
  }
  std::vector<std::string> host_subnets() override { return subnets_in_use; }
  int uplink_mtu() override { return mtu; }
};

}  // namespace stack::net::testing
