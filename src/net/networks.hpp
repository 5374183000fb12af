// Networks: bridge networks and the per-container network sandboxes joined to them.
// The contract between src/net (which implements it over netlink, IPAM records, the
// firewall and stack-dns's records) and its callers: `stack network ...`,
// `stack container run|create --network`, and the orchestrator.
//
// State: <root>/networks/<id>/network.json (one record per network) and IPAM allocations
// under <root>/networks, guarded by flock so that concurrent stack commands never hand
// out one address twice; sandboxes are network namespaces bind-mounted at
// <run_root>/netns/<container-id>, kept across restarts and deleted with the container.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stack::net {

// docker's predefined network, which containers without a network of their own join.
inline constexpr const char* kDefaultNetwork = "bridge";

class Firewall;
class Netlink;
struct SandboxRecord;
struct VethRequest;
struct NetworkPaths;

struct IpamPool {
  std::string subnet{};    // IPv4 or IPv6 CIDR; "" = one from the default pools (IPv4)
  std::string gateway{};   // "" = the subnet's first address
  std::string ip_range{};  // "" = the whole subnet
};

struct NetworkSpec {
  std::string name{};
  std::string driver = "bridge";  // only "bridge"
  bool internal = false;
  bool attachable = false;
  bool enable_ipv6 = false;      // an IPv6 subnet besides the IPv4 one
  std::vector<IpamPool> ipam{};  // at most one pool per family; an IPv6 one needs enable_ipv6
  std::map<std::string, std::string> labels{};
  std::map<std::string, std::string> options{};  // driver_opts ("com.docker.network.driver.mtu")
};

struct NetworkInfo {
  std::string id;  // 64 hex
  std::string name;
  std::string driver;
  std::string bridge;  // "stk-" + 11 hex: at most 15 characters
  std::string subnet;
  std::string gateway;
  std::string ip_range;
  bool enable_ipv6 = false;
  std::string subnet6;    // "" unless enable_ipv6
  std::string gateway6;
  std::string ip_range6;
  std::string created;  // RFC 3339
  bool internal = false;
  bool attachable = false;
  int mtu = 1500;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;
};

// One network a container joins.
struct Attachment {
  std::string network{};                 // name or id
  std::vector<std::string> aliases{};    // extra DNS names on this network (service name, ...)
  std::string ipv4_address{};            // "" = the next free one
  std::string ipv6_address{};            // "" = the next free one (IPv6 networks only)
  std::string mac_address{};             // "" = derived from the address, as docker does
  int priority = 0;                    // higher first: eth0 is the highest
};

struct SandboxRequest {
  std::string container_id{};    // 64 hex
  std::string container_name{};  // answered by stack-dns, first in its names (PTR)
  std::string hostname{};        // answered too
  std::string state_file{};      // the container's state.json: stack-dns answers only while it is running
  std::vector<Attachment> networks{};
};

struct Endpoint {
  std::string network{};     // name
  std::string network_id{};
  std::string interface{};   // "eth0", "eth1", ... in priority order
  std::string ipv4{};        // without prefix
  int prefix_length = 0;
  std::string gateway{};
  std::string ipv6{};        // "" unless the network has IPv6
  int prefix_length6 = 0;
  std::string gateway6{};
  std::string mac{};
  std::vector<std::string> aliases{};
};

struct Sandbox {
  std::string container_id;
  std::string netns_path;  // what the runtime joins
  std::vector<Endpoint> endpoints;
};

class Networks {
 public:
  // `firewall` may be null (tests, and commands that never change rules).
  Networks(std::string root, std::string run_root, Firewall* firewall);
  // The same over another kernel interface (unit tests: testing/fake_netlink.hpp).
  Networks(std::string root, std::string run_root, Firewall* firewall, std::shared_ptr<Netlink> netlink);

  // Creates the network (record, bridge up with its gateway, firewall rules, stack-dns
  // record). A name already taken is a stack::Error.
  NetworkInfo create(const NetworkSpec& spec);
  // The existing network of that name (its bridge and rules recreated if the host lost
  // them, after a reboot), or a new one.
  NetworkInfo ensure(const NetworkSpec& spec);
  std::optional<NetworkInfo> find(const std::string& name_or_id) const;  // exact name, id or unique id prefix
  std::vector<NetworkInfo> list() const;
  // The ids of the containers with a sandbox on the network.
  std::vector<std::string> users(const std::string& name_or_id) const;
  // A network in use is a stack::Error naming its containers; nothing is changed then.
  void remove(const std::string& name_or_id);
  // Deletes the network's bridge ahead of remove, when every container with a sandbox on
  // it is among `leaving` (stopped, about to be removed); true when it did. The kernel
  // spends 30-50 ms of RCU waiting on a bridge's deletion, which a `down` thus overlaps
  // with its containers' removal. Record, rules and DNS record stay for remove: until
  // then the network is one whose bridge the host lost, which its next use brings back
  // (bring_up), its veths on it again.
  bool drop_bridge(const std::string& name_or_id, const std::vector<std::string>& leaving);
  // Removes every unused network whose labels include all of `labels`; returns the names.
  std::vector<std::string> prune(const std::map<std::string, std::string>& labels);

  // Makes the container's namespace with loopback up and one veth per attachment
  // (created directly inside it), addresses, default route via the first network's
  // gateway, DNS entries. All or nothing: a failure removes what was made. Threads may
  // call it at once: only its decisions are made under the networks lock.
  Sandbox create_sandbox(const SandboxRequest& request);
  std::optional<Sandbox> sandbox(const std::string& container_id) const;
  // Joins one more network / leaves one (`network connect|disconnect`).
  Endpoint connect(const std::string& container_id, const Attachment& attachment, const SandboxRequest& names);
  void disconnect(const std::string& container_id, const std::string& network);
  // Deletes the namespace, its veths, addresses and DNS entries. Best effort and
  // idempotent: what is already gone is skipped.
  void remove_sandbox(const std::string& container_id);

  const std::string& root() const { return root_; }
  const std::string& run_root() const { return run_root_; }

 private:
  NetworkPaths paths() const;
  Netlink& netlink();
  NetworkInfo create_locked(const NetworkSpec& spec);
  // Subnets, gateways and ranges of a new network (n.id set) from its spec's pools, or
  // the default pools, overlapping no other network's.
  void assign_subnets(NetworkInfo& n, const NetworkSpec& spec, const std::vector<NetworkInfo>& existing);
  // Bridge, rules, DNS record and record of a network no sandbox uses; best effort,
  // the failures joined (or "").
  std::string remove_locked(const NetworkInfo& network);
  // The predefined network (kDefaultNetwork) is made by the first sandbox that names it
  // and removed with the last (when this Networks has the firewall, whose rules go too),
  // so that no bridge or rule outlives the containers (a build's RUN steps, services).
  void drop_idle_default_locked();
  void drop_idle_default_locked(const std::vector<SandboxRecord>& sandboxes);
  // Recreates the bridge, its rules and its DNS record when the host lost them, and puts
  // the veths of the sandboxes on the network back on a bridge made anew.
  void bring_up(const NetworkInfo& network, bool force);
  void reattach_veths(const NetworkInfo& network);
  // Removes the sandboxes whose container's state directory is gone, and namespaces no
  // record names; returns the records that stay (read once: callers use them, not a
  // second read of every record).
  std::vector<SandboxRecord> sweep_locked();
  // Best effort: every step tried; the failures, joined, or "".
  std::string teardown_locked(const SandboxRecord& record);
  // Which default routes an endpoint carries.
  struct Routes {
    bool v4 = false;
    bool v6 = false;
  };
  // Chooses the endpoint's interface and addresses (`sandboxes`: every other record, whose
  // addresses are taken), adds it to the record and returns the veth that makes it.
  VethRequest plan_endpoint(SandboxRecord& record, const std::vector<SandboxRecord>& sandboxes, const NetworkInfo& network,
                            const Attachment& attachment, Routes routes);
  // create_sandbox's half under the networks lock: the checks, the endpoints planned
  // (their veths into `veths`) and the record written.
  SandboxRecord reserve_sandbox(const SandboxRequest& request, std::vector<VethRequest>& veths);
  void publish_names(const SandboxRecord& record, const Endpoint& endpoint);

  std::string root_;
  std::string run_root_;
  Firewall* firewall_;
  std::shared_ptr<Netlink> netlink_;  // made on first use: reading commands never open netlink
};

}  // namespace stack::net
