#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "unit/image/scratch.hpp"
#include "net/container_network.hpp"
#include "net/dns/records.hpp"
#include "net/network_records.hpp"
#include "net/networks.hpp"
#include "net/testing/fake_firewall.hpp"
#include "net/testing/fake_netlink.hpp"

namespace fs = std::filesystem;
using namespace stack::net;

namespace {

struct World {
  stack::testing::TempDir dir;
  std::shared_ptr<testing::FakeNetlink> nl = std::make_shared<testing::FakeNetlink>();
  std::string root = dir / "root";
  std::string run_root = dir / "run";
  Networks networks{root, run_root, nullptr, nl};

  // A container whose state directory exists (so its sandbox is live).
  SandboxRequest container(const std::string& id, const std::string& name, std::vector<Attachment> nets) {
    SandboxRequest r;
    r.container_id = id;
    r.container_name = name;
    r.hostname = id.substr(0, 12);
    r.state_file = root + "/containers/" + id + "/state.json";
    fs::create_directories(root + "/containers/" + id);
    r.networks = std::move(nets);
    return r;
  }
};

std::string id_of(char c) { return std::string(64, c); }

}  // namespace

TEST_CASE("create makes the record, a stk- bridge with the gateway and the DNS record", "[net][networks]") {
  World w;
  const NetworkInfo n = w.networks.create({.name = "front", .labels = {{"a", "1"}}});
  CHECK(n.bridge == "stk-" + n.id.substr(0, 11));
  CHECK(n.bridge.size() == 15);
  CHECK(n.subnet == "10.89.0.0/24");
  CHECK(n.gateway == "10.89.0.1");
  CHECK(n.mtu == 1400);
  CHECK(w.nl->bridges.at(n.bridge) == "10.89.0.1/24");
  CHECK(fs::exists(stack::net::dns::networks_dir(w.run_root) + "/front/network.json"));
  CHECK(w.networks.find("front")->id == n.id);
  CHECK(w.networks.find(n.id.substr(0, 6))->name == "front");
  CHECK_THROWS_WITH(w.networks.create({.name = "front"}), Catch::Contains("already exists"));
  CHECK(w.networks.create({.name = "back"}).subnet == "10.89.1.0/24");
}

TEST_CASE("create skips subnets the host uses and honours an explicit pool", "[net][networks]") {
  World w;
  w.nl->subnets_in_use = {"10.89.0.0/23"};
  CHECK(w.networks.create({.name = "a"}).subnet == "10.89.2.0/24");
  const NetworkInfo b = w.networks.create({.name = "b", .ipam = {{"10.213.7.0/24", "10.213.7.254", ""}}});
  CHECK(b.gateway == "10.213.7.254");
  CHECK_THROWS_WITH(w.networks.create({.name = "c", .ipam = {{"10.213.7.128/25", "", ""}}}), Catch::Contains("overlaps"));
  CHECK_THROWS_WITH(w.networks.create({.name = "-bad"}), Catch::Contains("invalid network name"));
}

TEST_CASE("ensure returns the existing network and recreates a lost bridge", "[net][networks]") {
  World w;
  const NetworkInfo n = w.networks.ensure({.name = "bridge"});
  w.nl->bridges.clear();
  CHECK(w.networks.ensure({.name = "bridge"}).id == n.id);
  CHECK(w.nl->bridges.count(n.bridge) == 1);
}

TEST_CASE("a bridge whose rules have no record (its creator was killed first) gets them at its next use", "[net][networks]") {
  World w;
  testing::FakeFirewall firewall;
  w.networks = Networks{w.root, w.run_root, &firewall, w.nl};
  const NetworkInfo n = w.networks.ensure({.name = "front"});
  firewall.state.networks.clear();
  CHECK(w.networks.ensure({.name = "front"}).id == n.id);
  CHECK(firewall.has_network(n.bridge));
  firewall.state.networks.clear();
  w.networks.create_sandbox(w.container(id_of('1'), "one", {{.network = "front"}}));
  CHECK(firewall.has_network(n.bridge));
}

TEST_CASE("create_sandbox gives addresses in order, eth0 by priority, and records DNS names", "[net][networks]") {
  World w;
  const NetworkInfo a = w.networks.create({.name = "a"});
  const NetworkInfo b = w.networks.create({.name = "b", .internal = true});
  const Sandbox s = w.networks.create_sandbox(
      w.container(id_of('1'), "web", {{.network = "b", .aliases = {"svc"}}, {.network = "a", .priority = 5}}));
  REQUIRE(s.endpoints.size() == 2);
  CHECK(s.netns_path == w.run_root + "/netns/" + id_of('1'));
  CHECK(s.endpoints[0].network == "a");
  CHECK(s.endpoints[0].interface == "eth0");
  CHECK(s.endpoints[0].ipv4 == "10.89.0.2");
  CHECK(s.endpoints[0].mac == "02:42:0a:59:00:02");
  CHECK(s.endpoints[1].interface == "eth1");
  const VethRequest& v0 = w.nl->veths.at(host_veth_name(id_of('1'), a.id));
  CHECK(v0.gateway == a.gateway);
  CHECK(v0.peer_name == "eth0");
  CHECK(v0.mtu == 1400);
  CHECK(w.nl->veths.at(host_veth_name(id_of('1'), b.id)).gateway.empty());
  const std::string entry = stack::base::read_file(stack::net::dns::networks_dir(w.run_root) + "/b/" + id_of('1') + ".json");
  CHECK(entry.find("\"web\"") != std::string::npos);
  CHECK(entry.find("\"svc\"") != std::string::npos);
  const Sandbox t = w.networks.create_sandbox(w.container(id_of('2'), "db", {{.network = "a", .ipv4_address = "10.89.0.9"}}));
  CHECK(t.endpoints[0].ipv4 == "10.89.0.9");
  CHECK(w.networks.create_sandbox(w.container(id_of('3'), "x", {{.network = "a"}})).endpoints[0].ipv4 == "10.89.0.3");
  CHECK_THROWS_WITH(w.networks.create_sandbox(w.container(id_of('4'), "y", {{.network = "a", .ipv4_address = "10.89.0.9"}})),
                    Catch::Contains("already in use"));
  CHECK_FALSE(w.networks.sandbox(id_of('4')));
  CHECK(w.nl->namespaces.count(w.run_root + "/netns/" + id_of('4')) == 0);
}

TEST_CASE("an IPv6 network gets a unique local /64 or its own pool, and the bridge both gateways", "[net][networks]") {
  World w;
  const NetworkInfo a = w.networks.create({.name = "a", .enable_ipv6 = true});
  CHECK(a.subnet == "10.89.0.0/24");
  REQUIRE(a.subnet6.size() > 4);
  CHECK(a.subnet6.starts_with("fd"));
  CHECK(a.subnet6.ends_with("::/64"));
  CHECK(a.gateway6 == a.subnet6.substr(0, a.subnet6.size() - 3) + "1");
  CHECK(w.nl->bridges6.at(a.bridge) == a.gateway6 + "/64");
  CHECK(w.networks.find("a")->subnet6 == a.subnet6);  // recorded
  const NetworkInfo b = w.networks.create(
      {.name = "b", .enable_ipv6 = true, .ipam = {{"fd12:3456:789a::/64", "", ""}, {"10.213.9.0/24", "", ""}}});
  CHECK(b.subnet == "10.213.9.0/24");
  CHECK(b.subnet6 == "fd12:3456:789a::/64");
  CHECK(b.gateway6 == "fd12:3456:789a::1");
  CHECK_THROWS_WITH(w.networks.create({.name = "c", .enable_ipv6 = true, .ipam = {{"fd12:3456:789a:0:1::/80", "", ""}}}),
                    Catch::Contains("overlaps"));
  CHECK_THROWS_WITH(w.networks.create({.name = "d", .ipam = {{"fd12:3456:789b::/64", "", ""}}}),
                    Catch::Contains("IPv6 is not enabled"));
  CHECK_THROWS_WITH(w.networks.create({.name = "e", .enable_ipv6 = true, .ipam = {{"fd1::/64", "", ""}, {"fd2::/64", "", ""}}}),
                    Catch::Contains("at most one IPv4 and one IPv6 pool"));
  CHECK(w.networks.create({.name = "f"}).subnet6.empty());
  CHECK(w.nl->bridges6.size() == 2);
}

TEST_CASE("a sandbox on an IPv6 network gets an address, a route and an AAAA record of each family", "[net][networks]") {
  World w;
  const NetworkInfo a = w.networks.create({.name = "a"});
  const NetworkInfo b = w.networks.create({.name = "b", .enable_ipv6 = true, .ipam = {{"fd12::/64", "", ""}}});
  const Sandbox s = w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a", .priority = 5}, {.network = "b"}}));
  REQUIRE(s.endpoints.size() == 2);
  CHECK(s.endpoints[0].ipv6.empty());
  CHECK(s.endpoints[1].ipv6 == "fd12::2");
  CHECK(s.endpoints[1].prefix_length6 == 64);
  CHECK(s.endpoints[1].gateway6 == "fd12::1");
  const VethRequest& va = w.nl->veths.at(host_veth_name(id_of('1'), a.id));
  const VethRequest& vb = w.nl->veths.at(host_veth_name(id_of('1'), b.id));
  CHECK(va.gateway == a.gateway);  // IPv4 out through the first network
  CHECK(va.address6.empty());
  CHECK(vb.gateway.empty());
  CHECK(vb.address6 == "fd12::2/64");
  CHECK(vb.gateway6 == "fd12::1");  // IPv6 out through the first network that has it
  CHECK(w.networks.sandbox(id_of('1'))->endpoints[1].ipv6 == "fd12::2");  // recorded
  const std::string entry = stack::base::read_file(stack::net::dns::networks_dir(w.run_root) + "/b/" + id_of('1') + ".json");
  CHECK(entry.find("\"fd12::2\"") != std::string::npos);
  const Sandbox t = w.networks.create_sandbox(w.container(id_of('2'), "db", {{.network = "b", .ipv6_address = "fd12::99"}}));
  CHECK(t.endpoints[0].ipv6 == "fd12::99");
  CHECK(w.networks.create_sandbox(w.container(id_of('3'), "x", {{.network = "b"}})).endpoints[0].ipv6 == "fd12::3");
  CHECK_THROWS_WITH(w.networks.create_sandbox(w.container(id_of('4'), "y", {{.network = "a", .ipv6_address = "fd12::7"}})),
                    Catch::Contains("has no IPv6"));
  w.networks.connect(id_of('2'), {.network = "a"}, {});
  CHECK(w.nl->veths.at(host_veth_name(id_of('2'), a.id)).gateway.empty());  // db's way out is b already
}

TEST_CASE("a failed sandbox leaves no namespace, veth, record or DNS entry", "[net][networks]") {
  World w;
  w.networks.create({.name = "a"});
  w.networks.create({.name = "b"});
  w.nl->fail_veth = true;
  CHECK_THROWS_WITH(w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a"}, {.network = "b"}})),
                    Catch::Contains("veth refused"));
  CHECK(w.nl->namespaces.empty());
  CHECK(w.nl->veths.empty());
  CHECK_FALSE(w.networks.sandbox(id_of('1')));
  CHECK_THROWS_WITH(w.networks.create_sandbox(w.container(id_of('2'), "x", {{.network = "nope"}})), Catch::Contains("network nope not found"));
}

TEST_CASE("a sandbox's record is written before its namespace is made, and the networks lock is free by then", "[net][networks]") {
  World w;
  w.networks.create({.name = "a"});
  bool checked = false;
  w.nl->before_netns = [&](const std::string&) {
    // Decide, then do: another command can take the lock (and its sweep sees this record,
    // so it leaves the namespace in the making alone) while the kernel work goes on.
    stack::UniqueFd fd(::open((w.root + "/networks/lock").c_str(), O_RDWR | O_CLOEXEC));
    REQUIRE(fd);
    CHECK(::flock(fd.get(), LOCK_EX | LOCK_NB) == 0);
    const std::optional<Sandbox> recorded = w.networks.sandbox(id_of('1'));
    REQUIRE(recorded);
    CHECK(recorded->endpoints.at(0).ipv4 == "10.89.0.2");
    checked = true;
  };
  const Sandbox s = w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a"}}));
  CHECK(checked);
  CHECK(s.endpoints.at(0).ipv4 == "10.89.0.2");
  CHECK(w.nl->namespaces.count(s.netns_path) == 1);
}

TEST_CASE("remove of a network in use names its containers; after remove_sandbox it goes", "[net][networks]") {
  World w;
  const NetworkInfo a = w.networks.create({.name = "a"});
  w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a"}}));
  CHECK(w.networks.users("a") == std::vector<std::string>{id_of('1')});
  CHECK_THROWS_WITH(w.networks.remove("a"), Catch::Contains("has active endpoints (web)"));
  w.networks.remove_sandbox(id_of('1'));
  w.networks.remove_sandbox(id_of('1'));  // idempotent
  CHECK(w.nl->namespaces.empty());
  CHECK(w.nl->veths.empty());
  w.networks.remove("a");
  CHECK(w.nl->bridges.empty());
  CHECK_FALSE(w.networks.find("a"));
  CHECK_FALSE(fs::exists(stack::net::dns::networks_dir(w.run_root) + "/a"));
}

TEST_CASE("drop_bridge deletes the bridge only when every container on it is leaving; its next use brings it back", "[net][networks]") {
  World w;
  const NetworkInfo a = w.networks.create({.name = "a"});
  w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a"}}));
  w.networks.create_sandbox(w.container(id_of('2'), "db", {{.network = "a"}}));
  CHECK_FALSE(w.networks.drop_bridge("a", {id_of('1')}));  // db stays on it
  CHECK(w.nl->bridges.count(a.bridge));
  CHECK_FALSE(w.networks.drop_bridge("nope", {}));
  CHECK(w.networks.drop_bridge("a", {id_of('1'), id_of('2')}));
  CHECK_FALSE(w.nl->bridges.count(a.bridge));
  CHECK(w.networks.find("a"));  // the record, rules and DNS record wait for remove
  CHECK(fs::exists(stack::net::dns::networks_dir(w.run_root) + "/a/network.json"));
  // A down that stopped there (killed, or a removal failed): the next use remakes the
  // bridge and puts the veths still on the network back on it.
  w.networks.ensure({.name = "a"});
  CHECK(w.nl->bridges.count(a.bridge));
  CHECK(w.nl->veths.at(host_veth_name(id_of('1'), a.id)).bridge == a.bridge);
  CHECK(w.nl->attached.size() == 2);
}

TEST_CASE("a container joining while its network's bridge is dropped gets the bridge back", "[net][networks]") {
  World w;
  const NetworkInfo a = w.networks.create({.name = "a"});
  w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a"}}));
  // The join lands between drop_bridge's check and its deletion (which is made outside
  // the lock): the veth goes on the old bridge, which then goes.
  w.nl->before_delete = [&] {
    w.nl->before_delete = nullptr;
    w.networks.create_sandbox(w.container(id_of('2'), "late", {{.network = "a"}}));
  };
  CHECK(w.networks.drop_bridge("a", {id_of('1')}));
  CHECK(w.nl->bridges.count(a.bridge));
  CHECK(w.nl->veths.at(host_veth_name(id_of('2'), a.id)).bridge == a.bridge);
  CHECK(std::count(w.nl->attached.begin(), w.nl->attached.end(), host_veth_name(id_of('2'), a.id)) == 1);
}

TEST_CASE("the default network is made by its first sandbox and goes with its last", "[net][networks]") {
  World w;
  testing::FakeFirewall firewall;
  w.networks = Networks{w.root, w.run_root, &firewall, w.nl};
  w.networks.create_sandbox(w.container(id_of('1'), "one", {{.network = kDefaultNetwork}}));
  w.networks.create_sandbox(w.container(id_of('2'), "two", {{.network = kDefaultNetwork}}));
  const std::optional<NetworkInfo> n = w.networks.find(kDefaultNetwork);
  REQUIRE(n);
  w.networks.remove_sandbox(id_of('1'));
  CHECK(w.networks.find(kDefaultNetwork));  // "two" still uses it
  w.networks.remove_sandbox(id_of('2'));
  CHECK_FALSE(w.networks.find(kDefaultNetwork));
  CHECK_FALSE(w.nl->bridges.count(n->bridge));
  CHECK_FALSE(firewall.has_network(n->bridge));  // its rules went with it
  w.networks.create({.name = "mine"});
  w.networks.create_sandbox(w.container(id_of('3'), "three", {{.network = "mine"}}));
  w.networks.remove_sandbox(id_of('3'));
  CHECK(w.networks.find("mine"));  // a network made by name stays until removed
}

TEST_CASE("without the firewall the idle default network stays, its rules with it", "[net][networks]") {
  World w;
  w.networks.create_sandbox(w.container(id_of('1'), "one", {{.network = kDefaultNetwork}}));
  w.networks.remove_sandbox(id_of('1'));
  CHECK(w.networks.find(kDefaultNetwork));
}

TEST_CASE("a sandbox whose container directory is gone is swept and its address freed", "[net][networks]") {
  World w;
  w.networks.create({.name = "a"});
  w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a"}}));
  fs::remove_all(w.root + "/containers/" + id_of('1'));
  CHECK(w.networks.users("a").empty());
  const Sandbox s = w.networks.create_sandbox(w.container(id_of('2'), "db", {{.network = "a"}}));
  CHECK(s.endpoints[0].ipv4 == "10.89.0.2");
  CHECK_FALSE(w.networks.sandbox(id_of('1')));
  CHECK(w.nl->namespaces.size() == 1);
}

TEST_CASE("a namespace no record names (a create killed midway) is swept", "[net][networks]") {
  World w;
  w.networks.create({.name = "a"});
  const std::string orphan = w.run_root + "/netns/" + id_of('1');
  fs::create_directories(w.run_root + "/netns");
  { std::ofstream(orphan).put('\n'); }  // the mountpoint a killed create_sandbox left
  w.nl->namespaces.insert(orphan);
  const Sandbox s = w.networks.create_sandbox(w.container(id_of('2'), "db", {{.network = "a"}}));
  CHECK(w.nl->namespaces.count(orphan) == 0);
  CHECK(w.nl->namespaces.count(s.netns_path) == 1);
}

TEST_CASE("the sweep keeps what records name: addresses of live sandboxes, a namespace whose record is unreadable", "[net][networks]") {
  World w;
  w.networks.create({.name = "a"});
  const Sandbox first = w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "a"}}));
  const Sandbox second = w.networks.create_sandbox(w.container(id_of('2'), "db", {{.network = "a"}}));
  CHECK(second.endpoints[0].ipv4 != first.endpoints[0].ipv4);
  { std::ofstream(w.root + "/networks/sandboxes/" + id_of('2') + ".json", std::ios::trunc) << "{"; }  // torn
  const Sandbox third = w.networks.create_sandbox(w.container(id_of('3'), "x", {{.network = "a"}}));
  CHECK(third.endpoints[0].ipv4 != first.endpoints[0].ipv4);
  CHECK(w.nl->namespaces.count(second.netns_path) == 1);  // not taken for a killed create's
  CHECK(w.nl->namespaces.count(first.netns_path) == 1);
}

TEST_CASE("connect adds the next interface and disconnect removes it", "[net][networks]") {
  World w;
  w.networks.create({.name = "a"});
  const NetworkInfo b = w.networks.create({.name = "b"});
  const SandboxRequest r = w.container(id_of('1'), "web", {{.network = "a"}});
  w.networks.create_sandbox(r);
  const Endpoint e = w.networks.connect(id_of('1'), {.network = "b", .aliases = {"alias1"}}, r);
  CHECK(e.interface == "eth1");
  CHECK(w.nl->veths.at(host_veth_name(id_of('1'), b.id)).gateway.empty());
  CHECK_THROWS_WITH(w.networks.connect(id_of('1'), {.network = "b"}, r), Catch::Contains("already exists in network b"));
  CHECK(w.networks.sandbox(id_of('1'))->endpoints.size() == 2);
  w.networks.disconnect(id_of('1'), "b");
  CHECK(w.networks.sandbox(id_of('1'))->endpoints.size() == 1);
  CHECK(w.nl->veths.count(host_veth_name(id_of('1'), b.id)) == 0);
  CHECK_THROWS_WITH(w.networks.disconnect(id_of('1'), "b"), Catch::Contains("is not connected"));
}

TEST_CASE("prune removes unused networks matching the labels, never bridge", "[net][networks]") {
  World w;
  w.networks.create({.name = "bridge"});
  w.networks.create({.name = "keep", .labels = {{"x", "2"}}});
  w.networks.create({.name = "used", .labels = {{"x", "1"}}});
  w.networks.create({.name = "gone", .labels = {{"x", "1"}}});
  w.networks.create_sandbox(w.container(id_of('1'), "web", {{.network = "used"}}));
  CHECK(w.networks.prune({{"x", "1"}}) == std::vector<std::string>{"gone"});
  CHECK(w.networks.prune({}) == std::vector<std::string>{"keep"});
  CHECK(w.networks.list().size() == 2);
}

TEST_CASE("prepare_container_network undoes the sandbox when stack-dns cannot start", "[net][etc]") {
  World w;
  w.networks.create({.name = "a"});
  ::setenv("STACK_DNS", "/bin/true", 1);  // exits before reporting ready
  SandboxRequest r = w.container(id_of('1'), "web", {{.network = "a"}});
  EtcOptions etc;
  etc.hostname = "h1";
  etc.extra_hosts = {"gw:host-gateway"};
  etc.dns_search = {"example.org"};
  const std::string files = w.root + "/containers/" + id_of('1');
  CHECK_THROWS(prepare_container_network(w.networks, "bridge", r, etc, files));
  CHECK_FALSE(w.networks.sandbox(id_of('1')));
  CHECK(w.nl->namespaces.empty());
  ::unsetenv("STACK_DNS");
}

TEST_CASE("prepare_container_network with none writes the files and makes no sandbox", "[net][etc]") {
  World w;
  EtcOptions etc;
  etc.dns = {"10.213.0.53"};
  etc.dns_opt = {"timeout:1"};
  const ContainerNetwork n = prepare_container_network(w.networks, "none", w.container(id_of('1'), "web", {}), etc, w.dir / "files");
  CHECK(n.network == "none");
  REQUIRE(n.binds.size() == 3);
  CHECK(n.binds[0] == w.dir / "files/hosts:/etc/hosts");
  CHECK(stack::base::read_file(w.dir / "files/resolv.conf") == "nameserver 10.213.0.53\noptions timeout:1\n");
  CHECK(stack::base::read_file(w.dir / "files/hostname") == id_of('1').substr(0, 12) + "\n");
  CHECK(w.nl->namespaces.empty());
}
