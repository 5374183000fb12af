// A NetworkDriver that records what it is asked, for unit tests of the orchestrator.
#pragma once

#include <mutex>
#include <set>

#include "orchestrator/network_driver.hpp"

namespace stack::orchestrator::testing {

class FakeNetworkDriver : public NetworkDriver {
 public:
  void ensure_network(const net::NetworkSpec& spec) override {
    std::lock_guard lock(mutex);
    networks[spec.name] = spec;
  }
  bool has_network(const std::string& name) override {
    std::lock_guard lock(mutex);
    return networks.count(name) > 0;
  }
  void remove_network(const std::string& name) override {
    std::lock_guard lock(mutex);
    networks.erase(name);
  }
  void drop_bridge(const std::string& name, const std::vector<std::string>& leaving) override {
    std::lock_guard lock(mutex);
    if (networks.count(name)) dropped_bridges[name] = leaving;
  }
  std::vector<std::string> networks_with(const std::map<std::string, std::string>& labels) override {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& [name, spec] : networks) {
      bool all = true;
      for (const auto& [k, v] : labels) all = all && spec.labels.count(k) && spec.labels.at(k) == v;
      if (all) out.push_back(name);
    }
    return out;
  }
  net::ContainerNetwork prepare(const std::string& mode, const net::SandboxRequest& request, const net::EtcOptions& etc,
                                const std::string&) override {
    std::lock_guard lock(mutex);
    prepared.push_back({mode, request, etc});
    net::ContainerNetwork n;
    n.network = mode == "bridge" ? "/run/fake/netns/" + request.container_id : mode;
    n.sandbox.container_id = request.container_id;
    return n;
  }
  void release(const std::string& container_id) override {
    std::lock_guard lock(mutex);
    released.insert(container_id);
  }
  void publish(const std::string& container_id, const net::ContainerAddresses&, const std::string&,
               const std::vector<net::PortSpec>& ports) override {
    std::lock_guard lock(mutex);
    publishes[container_id] = ports;
  }
  std::vector<net::PublishedPort> published(const std::string&) override { return {}; }

  struct Prepared {
    std::string mode;
    net::SandboxRequest request;
    net::EtcOptions etc;
  };
  std::mutex mutex;
  std::map<std::string, net::NetworkSpec> networks;
  std::vector<Prepared> prepared;
  std::set<std::string> released;
  std::map<std::string, std::vector<std::string>> dropped_bridges;  // network -> the containers leaving it
  std::map<std::string, std::vector<net::PortSpec>> publishes;
};

}  // namespace stack::orchestrator::testing
