// A firewall that makes a new network's rules in the background. The first `up` of a
// project spends about 10 ms making them (loading libnftables, listing the host's
// tables, one transaction) while the other core waits for work; deferred, they are made
// while the containers' namespaces are. No container is created before its network's
// rules are in place: the network driver waits for them (settle) once the container's
// sandbox is made. Every other call first waits for what is pending, so the firewall
// sees the calls in the order they were made. A `stack` killed before the rules are in
// place leaves a bridge whose rules have no record, which the next use of the network
// makes again (net::Networks::bring_up).
#pragma once

#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/firewall.hpp"

namespace stack::orchestrator {

class DeferredFirewall final : public net::Firewall {
 public:
  explicit DeferredFirewall(std::unique_ptr<net::Firewall> inner) : inner_(std::move(inner)) {}
  ~DeferredFirewall() override;  // waits for the rules in the making

  // Returns at once; the rules are made on a thread of their own.
  void add_network(const net::NetworkRules& network) override;
  void remove_network(const std::string& bridge) override;
  // True while the bridge's rules are being made too (a second add would repeat them).
  bool has_network(const std::string& bridge) const override;
  std::vector<net::PublishedPort> publish(const std::string& owner, const net::ContainerAddresses& container,
                                          const std::string& bridge, const std::vector<net::PortSpec>& ports) override;
  void unpublish(const std::string& owner) override;
  std::vector<net::PublishedPort> published(const std::string& owner) const override;

  // Waits for the rules in the making. Rules that could not be made are a stack::Error
  // naming their network, every time (each container on it fails).
  void settle() const;

 private:
  struct Pending {
    net::NetworkRules network;
    std::shared_future<void> done;
  };
  std::vector<Pending> pending() const;
  void wait() const;  // as settle, failures left to settle

  std::unique_ptr<net::Firewall> inner_;
  mutable std::mutex mutex_;  // pending_ only: the inner firewall serializes its own calls
  std::vector<Pending> pending_;
};

}  // namespace stack::orchestrator
