#include "orchestrator/net_network_driver.hpp"

#include <mutex>

#include "base/error.hpp"
#include "orchestrator/deferred_firewall.hpp"

namespace stack::orchestrator {
namespace {

bool labels_include(const std::map<std::string, std::string>& have, const std::map<std::string, std::string>& want) {
  for (const auto& [key, value] : want) {
    const auto it = have.find(key);
    if (it == have.end() || it->second != value) return false;
  }
  return true;
}

// One mutex around the calls that change networks or ports: the orchestrator's service
// threads share one netlink connection and one firewall. Not around prepare: a sandbox
// takes 3-17 ms under an up's load, and its /etc files and the wait for stack-dns (7 ms
// when this container starts it) need no mutex. Networks decides a sandbox under its
// networks flock, which excludes the other threads too (each call opens the lock file
// anew, and flocks of different open files conflict), and makes its namespace and veths
// after it, beside the other threads', on netlink sockets of their own.
// A network's rules are made in the background (deferred_firewall.hpp); prepare waits
// for them, so no container is created on a network without its rules.
class NetNetworkDriver : public NetworkDriver {
 public:
  NetNetworkDriver(const std::string& root, const std::string& run_root, std::function<void(const std::string&)> notice)
      : firewall_(std::make_unique<DeferredFirewall>(net::make_firewall(run_root, std::move(notice)))),
        networks_(root, run_root, firewall_.get()) {}

  void ensure_network(const net::NetworkSpec& spec) override {
    const std::lock_guard lock(mutex_);
    networks_.ensure(spec);
  }
  bool has_network(const std::string& name) override {
    const std::lock_guard lock(mutex_);
    return networks_.find(name).has_value();
  }
  void remove_network(const std::string& name) override {
    const std::lock_guard lock(mutex_);
    if (networks_.find(name)) networks_.remove(name);
  }
  // Not under the mutex: the deletion's RCU waiting would hold back the releases it is
  // meant to overlap with (it takes the networks flock only around its checks).
  void drop_bridge(const std::string& name, const std::vector<std::string>& leaving) override {
    networks_.drop_bridge(name, leaving);
  }
  std::vector<std::string> networks_with(const std::map<std::string, std::string>& labels) override {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const net::NetworkInfo& n : networks_.list())
      if (labels_include(n.labels, labels)) names.push_back(n.name);
    return names;
  }
  net::ContainerNetwork prepare(const std::string& mode, const net::SandboxRequest& request, const net::EtcOptions& etc,
                                const std::string& files_dir) override {
    net::ContainerNetwork n = net::prepare_container_network(networks_, mode, request, etc, files_dir);
    firewall_->settle();  // on failure, the caller releases the sandbox (forget_network)
    return n;
  }
  void release(const std::string& container_id) override {
    const std::lock_guard lock(mutex_);
    std::string failures;
    try {  // best effort: the sandbox goes even when the firewall cannot be changed
      firewall_->unpublish(container_id);
    } catch (const Error& e) {
      failures = e.what();
    }
    networks_.remove_sandbox(container_id);
    if (!failures.empty()) throw Error(failures);
  }
  // `network` is the name of the network the container is published on.
  void publish(const std::string& container_id, const net::ContainerAddresses& ip, const std::string& network,
               const std::vector<net::PortSpec>& ports) override {
    const std::lock_guard lock(mutex_);
    const std::optional<net::NetworkInfo> n = networks_.find(network);
    if (!n || ip.ipv4.empty()) throw Error("ports cannot be published without a bridge network");
    firewall_->publish(container_id, ip, n->bridge, ports);
  }
  std::vector<net::PublishedPort> published(const std::string& container_id) override {
    const std::lock_guard lock(mutex_);
    return firewall_->published(container_id);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<DeferredFirewall> firewall_;
  net::Networks networks_;
};

}  // namespace

std::unique_ptr<NetworkDriver> make_net_network_driver(const std::string& root, const std::string& run_root,
                                                       std::function<void(const std::string&)> notice) {
  return std::make_unique<NetNetworkDriver>(root, run_root, std::move(notice));
}

}  // namespace stack::orchestrator
