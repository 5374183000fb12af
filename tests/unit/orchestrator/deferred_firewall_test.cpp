#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "base/error.hpp"
#include "net/testing/fake_firewall.hpp"
#include "orchestrator/deferred_firewall.hpp"

using stack::orchestrator::DeferredFirewall;

namespace {

// The fake firewall, whose add_network waits until the test opens the gate (or fails).
class GatedFirewall final : public stack::net::Firewall {
 public:
  GatedFirewall(stack::net::testing::FakeFirewall& fake, std::shared_future<void> gate, bool fail = false)
      : fake_(fake), gate_(std::move(gate)), fail_(fail) {}
  void add_network(const stack::net::NetworkRules& n) override {
    gate_.wait();
    if (fail_) throw stack::Error("nftables: Operation not permitted", "stack needs root");
    fake_.add_network(n);
  }
  void remove_network(const std::string& bridge) override { fake_.remove_network(bridge); }
  bool has_network(const std::string& bridge) const override { return fake_.has_network(bridge); }
  std::vector<stack::net::PublishedPort> publish(const std::string& owner, const stack::net::ContainerAddresses& c,
                                                 const std::string& bridge,
                                                 const std::vector<stack::net::PortSpec>& ports) override {
    return fake_.publish(owner, c, bridge, ports);
  }
  void unpublish(const std::string& owner) override { fake_.unpublish(owner); }
  std::vector<stack::net::PublishedPort> published(const std::string& owner) const override {
    return fake_.published(owner);
  }

 private:
  stack::net::testing::FakeFirewall& fake_;
  std::shared_future<void> gate_;
  bool fail_;
};

const stack::net::NetworkRules kFront{"proj_default", "stk-0123456789a", "10.89.0.0/24"};

}  // namespace

TEST_CASE("a deferred firewall returns from add_network at once and settle waits for the rules", "[orchestrator][firewall]") {
  stack::net::testing::FakeFirewall fake;
  std::promise<void> gate;
  DeferredFirewall firewall(std::make_unique<GatedFirewall>(fake, gate.get_future().share()));
  firewall.add_network(kFront);
  CHECK(firewall.has_network(kFront.bridge));  // in the making: not to be asked for again
  CHECK_FALSE(fake.has_network(kFront.bridge));
  gate.set_value();
  firewall.settle();
  CHECK(fake.has_network(kFront.bridge));
  CHECK(firewall.has_network(kFront.bridge));
}

TEST_CASE("a deferred firewall's other calls come after the rules in the making", "[orchestrator][firewall]") {
  stack::net::testing::FakeFirewall fake;
  std::promise<void> gate;
  DeferredFirewall firewall(std::make_unique<GatedFirewall>(fake, gate.get_future().share()));
  firewall.add_network(kFront);
  std::thread remover([&] { firewall.remove_network(kFront.bridge); });
  gate.set_value();
  remover.join();
  CHECK_FALSE(fake.has_network(kFront.bridge));  // removed after it was added, not before
}

TEST_CASE("a deferred firewall's failed rules fail every settle, naming the network", "[orchestrator][firewall]") {
  stack::net::testing::FakeFirewall fake;
  std::promise<void> gate;
  gate.set_value();
  DeferredFirewall firewall(std::make_unique<GatedFirewall>(fake, gate.get_future().share(), true));
  firewall.add_network(kFront);
  for (int i = 0; i < 2; ++i) {
    try {
      firewall.settle();
      FAIL("settle did not throw");
    } catch (const stack::Error& e) {
      CHECK(std::string(e.what()) == "network proj_default: nftables: Operation not permitted");
      CHECK(e.hint() == "stack needs root");
    }
  }
  CHECK_FALSE(firewall.has_network(kFront.bridge));  // a retry may make them
  firewall.remove_network(kFront.bridge);            // waits, does not throw
}
