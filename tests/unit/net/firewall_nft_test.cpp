#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "net/firewall_port_spec.hpp"
#include "net/nft_firewall.hpp"
#include "net/testing/fake_firewall.hpp"
#include "net/testing/fake_firewall_host.hpp"
#include "net/testing/fake_nft.hpp"
#include "unit/net/firewall_temp_dir.hpp"

using namespace stack::net;
using stack::Error;
using Catch::Contains;

namespace {

struct Fixture {
  Fixture() {
    auto n = std::make_unique<testing::FakeNft>();
    auto h = std::make_unique<testing::FakeFirewallHost>();
    nft = n.get();
    host = h.get();
    host->add_bridge("stk-a");
    firewall = std::make_unique<NftFirewall>(run_root, std::move(n), std::move(h),
                                             [this](const std::string& text) { notices.push_back(text); });
  }
  testing::FirewallTempDir dir;
  std::string run_root = dir.path;
  testing::FakeNft* nft = nullptr;
  testing::FakeFirewallHost* host = nullptr;
  std::vector<std::string> notices;
  std::unique_ptr<NftFirewall> firewall;
};

const NetworkRules kNetwork{"p_default", "stk-a", "10.213.1.0/24", false};

}  // namespace

TEST_CASE("each run root has its own table and the default one is ip stack", "[firewall][nft]") {
  CHECK(firewall_table_name("/run/stack") == "stack");
  CHECK(firewall_table_name("/tmp/x") != firewall_table_name("/tmp/y"));
  CHECK(firewall_table_name("/tmp/x").rfind("stack_", 0) == 0);
  CHECK(firewall_table_name("/tmp/x").size() == 14);
}

TEST_CASE("adding a network is one transaction and turns ip_forward on once with a notice", "[firewall][nft]") {
  Fixture f;
  f.firewall->add_network(kNetwork);
  REQUIRE(f.nft->transactions.size() == 1);
  CHECK_THAT(f.nft->last(), Contains("table ip " + f.firewall->table() + " {"));
  CHECK_THAT(f.nft->last(), Contains("ip saddr 10.213.1.0/24 oifname != \"stk-a\" masquerade"));
  CHECK(f.host->sysctls["net/ipv4/ip_forward"] == "1");
  REQUIRE(f.notices.size() == 1);
  CHECK_THAT(f.notices[0], Contains("net.ipv4.ip_forward set to 1"));
  f.firewall->add_network(kNetwork);  // idempotent: rules restored, no second notice
  CHECK(f.nft->transactions.size() == 2);
  CHECK(f.nft->transactions[0] == f.nft->transactions[1]);
  CHECK(f.notices.size() == 1);
}

TEST_CASE("iptables-legacy rules invisible to nftables are announced once per new network", "[firewall][nft]") {
  Fixture f;
  f.host->legacy_filter = true;
  f.firewall->add_network(kNetwork);
  f.firewall->add_network(kNetwork);
  REQUIRE(f.notices.size() == 2);  // ip_forward, then this
  CHECK_THAT(f.notices[1], Contains("iptables-legacy") && Contains("iptables -I FORWARD -i stk-a -j ACCEPT"));
}

TEST_CASE("an IPv6 network turns IPv6 forwarding on once with a notice", "[firewall][nft]") {
  Fixture f;
  f.host->sysctls["net/ipv6/conf/all/forwarding"] = "0";
  NetworkRules six = kNetwork;
  six.subnet6 = "fd12:3456:789a::/64";
  f.firewall->add_network(six);
  CHECK(f.host->sysctls["net/ipv6/conf/all/forwarding"] == "1");
  REQUIRE(f.notices.size() == 2);
  CHECK_THAT(f.notices[1], Contains("net.ipv6.conf.all.forwarding set to 1"));
  CHECK_THAT(f.nft->last(), Contains("table ip6 " + f.firewall->table() + " {"));
  six.subnet6 = "fd12::/129";
  CHECK_THROWS_WITH(f.firewall->add_network(six), Contains("is not an IPv6 CIDR"));
}

TEST_CASE("an IPv4 network leaves IPv6 forwarding alone", "[firewall][nft]") {
  Fixture f;
  f.host->sysctls["net/ipv6/conf/all/forwarding"] = "0";
  f.firewall->add_network(kNetwork);
  CHECK(f.host->sysctls["net/ipv6/conf/all/forwarding"] == "0");
}

TEST_CASE("an internal network alone needs no forwarding", "[firewall][nft]") {
  Fixture f;
  f.firewall->add_network({"p_back", "stk-i", "10.213.2.0/24", true});
  CHECK(f.host->sysctls["net/ipv4/ip_forward"] == "0");
  CHECK(f.notices.empty());
}

TEST_CASE("a bad subnet or bridge name changes nothing", "[firewall][nft]") {
  Fixture f;
  CHECK_THROWS_WITH(f.firewall->add_network({"n", "stk-a", "10.213.1.0", false}), Contains("not an IPv4 CIDR"));
  CHECK_THROWS_WITH(f.firewall->add_network({"n", "stk-a", "10.213.1.0/33", false}), Contains("not an IPv4 CIDR"));
  CHECK_THROWS_AS(f.firewall->add_network({"n", "a b", "10.213.1.0/24", false}), Error);
  CHECK(f.nft->transactions.empty());
}

TEST_CASE("publishing adds DNAT rules and sets route_localnet and records the ports", "[firewall][nft]") {
  Fixture f;
  f.firewall->add_network(kNetwork);
  const auto ports = f.firewall->publish("c1", "10.213.1.2", "stk-a", {parse_port_spec("8080:80"), parse_port_spec("53/udp")});
  REQUIRE(ports.size() == 2);
  CHECK(ports[1].host_port >= 40000);
  CHECK_THAT(f.nft->last(), Contains("tcp dport 8080 dnat to 10.213.1.2:80 comment \"c1\""));
  CHECK_THAT(f.nft->last(), Contains("udp dport " + std::to_string(ports[1].host_port) + " dnat to 10.213.1.2:53"));
  CHECK(f.host->sysctls["net/ipv4/conf/stk-a/route_localnet"] == "1");
  CHECK(f.firewall->published("c1") == ports);
  CHECK(f.firewall->published("c2").empty());
}

TEST_CASE("a container with an IPv6 address is published from the host's IPv6 addresses too", "[firewall][nft]") {
  Fixture f;
  NetworkRules six = kNetwork;
  six.subnet6 = "fd12::/64";
  f.firewall->add_network(six);
  const auto ports = f.firewall->publish("c1", {"10.213.1.2", "fd12::2"}, "stk-a",
                                         {parse_port_spec("8080:80"), parse_port_spec("127.0.0.1:9090:90")});
  REQUIRE(ports.size() == 2);
  CHECK(ports[0].container_ip6 == "fd12::2");
  CHECK(ports[1].container_ip6.empty());  // bound to an IPv4 address: IPv4 only
  const std::string text = f.nft->last();
  const std::string v6 = text.substr(text.find("table ip6 " + f.firewall->table() + " {"));
  CHECK_THAT(v6, Contains("tcp dport 8080 dnat to [fd12::2]:80 comment \"c1\""));
  CHECK_THAT(v6, !Contains("9090"));
  CHECK_THAT(v6, Contains("ip6 daddr != ::1 fib daddr type local jump published"));
  CHECK_THAT(v6, Contains("oifname \"stk-a\" ip6 saddr fd12::/64 ct status dnat masquerade"));
  CHECK(f.firewall->published("c1") == ports);  // recorded with the IPv6 address
  CHECK_THROWS_WITH(f.firewall->publish("c2", {"10.213.1.3", "fd12::zz"}, "stk-a", {parse_port_spec("80")}),
                    Contains("not an IPv6 address"));
}

TEST_CASE("a conflicting port is refused before anything changes", "[firewall][nft]") {
  Fixture f;
  f.firewall->add_network(kNetwork);
  f.firewall->publish("c1", "10.213.1.2", "stk-a", {parse_port_spec("8080:80")});
  const size_t before = f.nft->transactions.size();
  CHECK_THROWS_WITH(f.firewall->publish("c2", "10.213.1.3", "stk-a", {parse_port_spec("9090:90"), parse_port_spec("8080:80")}),
                    Contains("8080/tcp is already published by container c1"));
  f.host->busy.insert({"tcp", 7070});
  CHECK_THROWS_WITH(f.firewall->publish("c2", "10.213.1.3", "stk-a", {parse_port_spec("7070:80")}),
                    Contains("0.0.0.0:7070/tcp is already in use"));
  CHECK(f.nft->transactions.size() == before);
  CHECK(f.firewall->published("c2").empty());
}

TEST_CASE("ports cannot be published on an internal network", "[firewall][nft]") {
  Fixture f;
  f.host->add_bridge("stk-i");
  f.firewall->add_network({"p_back", "stk-i", "10.213.2.0/24", true});
  CHECK_THROWS_WITH(f.firewall->publish("c1", "10.213.2.2", "stk-i", {parse_port_spec("80")}), Contains("p_back: it is internal"));
}

TEST_CASE("publishing on a bridge that does not exist is an error", "[firewall][nft]") {
  Fixture f;
  CHECK_THROWS_WITH(f.firewall->publish("c1", "10.213.9.2", "stk-gone", {parse_port_spec("80")}), Contains("stk-gone: it does not exist"));
  CHECK(f.firewall->published("c1").empty());
}

TEST_CASE("unpublishing removes the owner's rules and nothing runs when it has none", "[firewall][nft]") {
  Fixture f;
  f.firewall->add_network(kNetwork);
  f.firewall->publish("c1", "10.213.1.2", "stk-a", {parse_port_spec("8080:80")});
  f.firewall->unpublish("c1");
  CHECK_THAT(f.nft->last(), !Contains("dnat to"));
  CHECK(f.firewall->published("c1").empty());
  const size_t before = f.nft->transactions.size();
  f.firewall->unpublish("c1");
  f.firewall->publish("c1", "10.213.1.2", "stk-a", {});
  CHECK(f.nft->transactions.size() == before);
}

TEST_CASE("removing a network removes its ports and the last one leaves no table", "[firewall][nft]") {
  Fixture f;
  f.firewall->add_network(kNetwork);
  f.firewall->publish("c1", "10.213.1.2", "stk-a", {parse_port_spec("8080:80")});
  f.firewall->remove_network("stk-a");
  const std::string t = f.firewall->table();
  CHECK(f.nft->last() == "add table ip " + t + "\ndelete table ip " + t + "\nadd table ip6 " + t + "\ndelete table ip6 " + t + "\n");
  CHECK(f.firewall->published("c1").empty());
  const size_t before = f.nft->transactions.size();
  f.firewall->remove_network("stk-a");  // absent: nothing
  CHECK(f.nft->transactions.size() == before);
}

TEST_CASE("Docker's forward chain gets our accept rules in the same transaction", "[firewall][nft]") {
  Fixture f;
  f.nft->ip_filter_listing = R"({"nftables": [{"chain": {"family": "ip", "table": "filter", "name": "DOCKER-USER"}}]})";
  f.firewall->add_network(kNetwork);
  const std::string comment = f.firewall->table() + " stk-a in";
  CHECK_THAT(f.nft->last(), Contains("table ip " + f.firewall->table() + " {"));
  CHECK_THAT(f.nft->last(), Contains("insert rule ip filter DOCKER-USER iifname \"stk-a\" accept comment \"" + comment + "\""));
}

TEST_CASE("ip6tables' forward chain gets our accept rules too, in the same transaction", "[firewall][nft]") {
  Fixture f;
  f.nft->ip6_filter_listing = R"({"nftables": [{"chain": {"family": "ip6", "table": "filter", "name": "FORWARD"}}]})";
  f.firewall->add_network(kNetwork);
  CHECK_THAT(f.nft->last(), Contains("insert rule ip6 filter FORWARD iifname \"stk-a\" accept"));
  CHECK_THAT(f.nft->last(), !Contains("insert rule ip filter"));  // no ip filter table here
}

TEST_CASE("a transaction that fails on a stale handle is retried once with a new listing", "[firewall][nft]") {
  Fixture f;
  f.nft->fail_next = 1;
  f.firewall->add_network(kNetwork);
  CHECK(f.nft->transactions.size() == 1);
  f.nft->fail_next = 2;
  CHECK_THROWS_WITH(f.firewall->add_network(kNetwork), Contains("nftables:"));
}

TEST_CASE("the fake firewall decides ports as the real one does", "[firewall][fake]") {
  testing::FakeFirewall fw;
  fw.add_network(kNetwork);
  fw.add_network({"p_back", "stk-i", "10.213.2.0/24", true});
  CHECK(fw.has_network("stk-a"));
  const auto ports = fw.publish("c1", "10.213.1.2", "stk-a", {parse_port_spec("8080:80"), parse_port_spec("81")});
  CHECK(ports[1].host_port == 40000);
  CHECK_THROWS_AS(fw.publish("c2", "10.213.1.3", "stk-a", {parse_port_spec("8080:80")}), Error);
  CHECK_THROWS_AS(fw.publish("c2", "10.213.2.3", "stk-i", {parse_port_spec("80")}), Error);
  CHECK(fw.published("c1") == ports);
  fw.remove_network("stk-a");
  CHECK(fw.published("c1").empty());
}
