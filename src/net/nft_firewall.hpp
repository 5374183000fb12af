// The nftables Firewall (firewall.hpp): every change takes <run_root>/firewall/lock,
// loads the records, decides the new state (port conflicts are found here, before
// anything changes), sets the sysctls the state needs, replaces stack's table and syncs
// its accept rules in `ip filter` in ONE nft transaction, then writes the records. The
// rules are thus always exactly what the records say, and a killed command is healed by
// the next change. Changes that change nothing (unpublishing a container with no ports)
// do not load libnftables at all; neither does published().
//
// Each run root has its own table: "stack" for the default /run/stack, "stack_<hash>"
// for any other (tests, a second instance), so that they never rebuild each other's
// rules away.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "net/firewall.hpp"
#include "net/firewall_host.hpp"
#include "net/firewall_records.hpp"
#include "net/nft_api.hpp"
#include "net/nft_rules.hpp"

namespace stack::net {

// "stack" for /run/stack, else "stack_" and 8 hex digits of the run root's hash.
std::string firewall_table_name(const std::string& run_root);

class NftFirewall final : public Firewall {
 public:
  using Notice = std::function<void(const std::string&)>;
  NftFirewall(const std::string& run_root, std::unique_ptr<Nft> nft, std::unique_ptr<FirewallHost> host,
              Notice notice);

  void add_network(const NetworkRules& network) override;
  void remove_network(const std::string& bridge) override;
  bool has_network(const std::string& bridge) const override { return records_.has_network(bridge); }
  std::vector<PublishedPort> publish(const std::string& owner, const ContainerAddresses& container,
                                     const std::string& bridge, const std::vector<PortSpec>& ports) override;
  void unpublish(const std::string& owner) override;
  std::vector<PublishedPort> published(const std::string& owner) const override;

  const std::string& table() const { return table_; }

 private:
  // Runs `modify` on the recorded state under the lock; when it returns true, applies
  // and records the new state. `localnet_bridge` ("" = none) gets route_localnet.
  void change(const std::function<bool(FirewallState&)>& modify, const std::string& localnet_bridge = "");
  void set_sysctls(const FirewallState& state, const std::string& localnet_bridge);
  void apply(const FirewallState& state);
  // iptables' and ip6tables' filter tables, those that exist (Docker's, perhaps).
  std::vector<HostFilter> host_filters();

  std::string dir_;
  std::string table_;
  FirewallRecords records_;
  std::unique_ptr<Nft> nft_;
  std::unique_ptr<FirewallHost> host_;
  Notice notice_;
  std::mutex mutex_;  // the flock serializes processes; this, the threads of one
};

}  // namespace stack::net
