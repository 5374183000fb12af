#include "orchestrator/deferred_firewall.hpp"

#include <chrono>
#include <system_error>

#include "base/error.hpp"

namespace stack::orchestrator {

DeferredFirewall::~DeferredFirewall() { wait(); }

void DeferredFirewall::add_network(const net::NetworkRules& network) {
  std::future<void> done;
  try {
    done = std::async(std::launch::async, [this, network] { inner_->add_network(network); });
  } catch (const std::system_error&) {
    inner_->add_network(network);  // no thread to be had: made here, as without deferral
    return;
  }
  const std::lock_guard lock(mutex_);
  pending_.push_back({network, done.share()});
}

std::vector<DeferredFirewall::Pending> DeferredFirewall::pending() const {
  const std::lock_guard lock(mutex_);
  return pending_;
}

void DeferredFirewall::wait() const {
  for (const Pending& p : pending()) p.done.wait();
}

void DeferredFirewall::settle() const {
  for (const Pending& p : pending()) {
    try {
      p.done.get();
    } catch (const Error& e) {
      throw Error("network " + p.network.name + ": " + e.what(), e.hint());
    } catch (const std::exception& e) {
      throw Error("network " + p.network.name + ": " + e.what());
    }
  }
}

bool DeferredFirewall::has_network(const std::string& bridge) const {
  for (const Pending& p : pending())
    if (p.network.bridge == bridge && p.done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return true;
  return inner_->has_network(bridge);
}

void DeferredFirewall::remove_network(const std::string& bridge) {
  wait();
  inner_->remove_network(bridge);
}

std::vector<net::PublishedPort> DeferredFirewall::publish(const std::string& owner, const net::ContainerAddresses& container,
                                                          const std::string& bridge, const std::vector<net::PortSpec>& ports) {
  wait();
  return inner_->publish(owner, container, bridge, ports);
}

void DeferredFirewall::unpublish(const std::string& owner) {
  wait();
  inner_->unpublish(owner);
}

std::vector<net::PublishedPort> DeferredFirewall::published(const std::string& owner) const {
  wait();
  return inner_->published(owner);
}

}  // namespace stack::orchestrator
