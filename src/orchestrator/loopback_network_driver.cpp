#include "orchestrator/loopback_network_driver.hpp"

#include <atomic>

namespace stack::orchestrator {
namespace {

class LoopbackNetworkDriver : public NetworkDriver {
 public:
  explicit LoopbackNetworkDriver(std::function<void(const std::string&)> warn) : warn_(std::move(warn)) {}
  void ensure_network(const net::NetworkSpec&) override {}
  bool has_network(const std::string&) override { return true; }
  void remove_network(const std::string&) override {}
  void drop_bridge(const std::string&, const std::vector<std::string>&) override {}
  std::vector<std::string> networks_with(const std::map<std::string, std::string>&) override { return {}; }
  net::ContainerNetwork prepare(const std::string& mode, const net::SandboxRequest&, const net::EtcOptions&,
                                const std::string&) override {
    net::ContainerNetwork n;
    n.network = mode == "host" ? "host" : "none";
    return n;
  }
  void release(const std::string&) override {}
  void publish(const std::string&, const net::ContainerAddresses&, const std::string&,
               const std::vector<net::PortSpec>& ports) override {
    if (!ports.empty() && !warned_.exchange(true)) warn_("ports are not published yet");
  }
  std::vector<net::PublishedPort> published(const std::string&) override { return {}; }

 private:
  std::function<void(const std::string&)> warn_;
  std::atomic<bool> warned_{false};
};

}  // namespace

std::unique_ptr<NetworkDriver> make_loopback_network_driver(std::function<void(const std::string&)> warn) {
  return std::make_unique<LoopbackNetworkDriver>(std::move(warn));
}

}  // namespace stack::orchestrator
