#include <catch2/catch.hpp>

#include "net/nft_rules.hpp"

using namespace stack::net;
using Catch::Contains;

namespace {

FirewallState one_network() {
  FirewallState s;
  s.networks["stk-a"] = {"p_default", "stk-a", "10.213.1.0/24", false};
  return s;
}

}  // namespace

TEST_CASE("an empty state only deletes the tables", "[firewall][rules]") {
  CHECK(table_commands("stack", {}) == "add table ip stack\ndelete table ip stack\nadd table ip6 stack\ndelete table ip6 stack\n");
}

TEST_CASE("a network gets masquerade and forwarding and isolation rules", "[firewall][rules]") {
  const std::string text = table_commands("stack", one_network());
  CHECK_THAT(text, Contains("add table ip6 stack\ndelete table ip6 stack\ntable ip stack {\n"));
  CHECK_THAT(text, !Contains("table ip6 stack {"));  // no network has IPv6
  CHECK_THAT(text, Contains("elements = { \"stk-a\" }"));
  CHECK_THAT(text, Contains("ip saddr 10.213.1.0/24 oifname != \"stk-a\" masquerade"));
  CHECK_THAT(text, Contains("iifname \"stk-a\" oifname != \"stk-a\" oifname @bridges drop"));
  CHECK_THAT(text, Contains("iifname \"stk-a\" accept\n\t\toifname \"stk-a\" accept"));
  CHECK_THAT(text, Contains("type filter hook forward priority filter; policy accept;"));
  CHECK_THAT(text, !Contains("dnat to"));
}

TEST_CASE("an internal network has no masquerade and stays inside its bridge", "[firewall][rules]") {
  FirewallState s;
  s.networks["stk-i"] = {"p_back", "stk-i", "10.213.2.0/24", true};
  const std::string text = table_commands("stack", s);
  CHECK_THAT(text, !Contains("masquerade"));
  CHECK_THAT(text, Contains("iifname \"stk-i\" oifname != \"stk-i\" drop\n\t\toifname \"stk-i\" iifname != \"stk-i\" drop"));
  CHECK_THAT(text, Contains("iifname \"stk-i\" oifname \"stk-i\" accept"));
  // The internal drops come before published (DNATed) traffic is let through.
  CHECK(text.find("iifname \"stk-i\" oifname != \"stk-i\" drop") < text.find("ct status dnat accept"));
}

TEST_CASE("a published port is a DNAT from outside and from the host itself", "[firewall][rules]") {
  FirewallState s = one_network();
  s.ports["c1"] = {{"", 8080, 80, "tcp", "10.213.1.2", "stk-a"}, {"127.0.0.1", 5353, 53, "udp", "10.213.1.2", "stk-a"}};
  const std::string text = table_commands("stack", s);
  CHECK_THAT(text, Contains("type nat hook prerouting priority dstnat; policy accept;\n"
                            "\t\tiifname @bridges meta l4proto { tcp, udp } th dport 53 return\n"
                            "\t\tfib daddr type local jump published"));
  CHECK_THAT(text, Contains("type nat hook output priority -100; policy accept;\n\t\tfib daddr type local jump published"));
  CHECK_THAT(text, Contains("\t\ttcp dport 8080 dnat to 10.213.1.2:80 comment \"c1\"\n"));
  CHECK_THAT(text, Contains("\t\tip daddr 127.0.0.1 udp dport 5353 dnat to 10.213.1.2:53 comment \"c1\"\n"));
  CHECK_THAT(text, Contains("oifname \"stk-a\" ip saddr 127.0.0.0/8 masquerade"));
  CHECK_THAT(text, Contains("oifname \"stk-a\" ip saddr 10.213.1.0/24 ct status dnat masquerade"));
  CHECK_THAT(text, Contains("iifname \"stk-a\" ip daddr 127.0.0.0/8 drop"));
}

TEST_CASE("removing a port or a network removes its rules from the next table", "[firewall][rules]") {
  FirewallState s = one_network();
  s.networks["stk-b"] = {"q_default", "stk-b", "10.213.3.0/24", false};
  s.ports["c1"] = {{"", 8080, 80, "tcp", "10.213.1.2", "stk-a"}};
  s.ports.erase("c1");
  std::string text = table_commands("stack", s);
  CHECK_THAT(text, !Contains("dnat to") && !Contains("127.0.0.0/8"));
  s.networks.erase("stk-a");
  text = table_commands("stack", s);
  CHECK_THAT(text, !Contains("stk-a"));
  CHECK_THAT(text, Contains("elements = { \"stk-b\" }"));
}

namespace {

const char* kDockerFilter = R"({"nftables": [
  {"metainfo": {"version": "1.0.6"}},
  {"table": {"family": "ip", "name": "filter", "handle": 1}},
  {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "handle": 2, "policy": "drop"}},
  {"chain": {"family": "ip", "table": "filter", "name": "DOCKER-USER", "handle": 3}},
  {"rule": {"family": "ip", "table": "filter", "chain": "DOCKER-USER", "handle": 11, "comment": "stack stk-a in", "expr": []}},
  {"rule": {"family": "ip", "table": "filter", "chain": "DOCKER-USER", "handle": 12, "comment": "stack stk-old out", "expr": []}},
  {"rule": {"family": "ip", "table": "filter", "chain": "DOCKER-USER", "handle": 13, "comment": "stack_0badcafe stk-z in", "expr": []}},
  {"rule": {"family": "ip", "table": "filter", "chain": "DOCKER-USER", "handle": 14, "expr": [{"return": null}]}}
]})";

}  // namespace

TEST_CASE("Docker's DOCKER-USER chain is preferred and only our own rules are recognized", "[firewall][rules]") {
  const HostFilter f = parse_host_filter("stack", kDockerFilter);
  CHECK(f.chain == "DOCKER-USER");
  REQUIRE(f.ours.size() == 2);
  CHECK(f.ours[0].handle == 11);
  CHECK(f.ours[1].comment == "stack stk-old out");
  CHECK(parse_host_filter("stack", R"({"nftables": [{"chain": {"name": "FORWARD"}}]})").chain == "FORWARD");
  CHECK(parse_host_filter("stack", R"({"nftables": [{"chain": {"name": "INPUT"}}]})").chain.empty());
}

TEST_CASE("accept rules in ip filter follow the networks exactly", "[firewall][rules]") {
  const HostFilter f = parse_host_filter("stack", kDockerFilter);
  const std::string text = host_filter_commands("stack", f, one_network());
  CHECK(text ==
        "delete rule ip filter DOCKER-USER handle 12\n"
        "insert rule ip filter DOCKER-USER oifname \"stk-a\" accept comment \"stack stk-a out\"\n");
  CHECK(host_filter_commands("stack", f, {}) ==
        "delete rule ip filter DOCKER-USER handle 11\ndelete rule ip filter DOCKER-USER handle 12\n");
}

TEST_CASE("an internal network is accepted in ip filter only within its bridge", "[firewall][rules]") {
  FirewallState s;
  s.networks["stk-i"] = {"p_back", "stk-i", "10.213.2.0/24", true};
  HostFilter f;
  f.chain = "FORWARD";
  CHECK(host_filter_commands("stack", f, s) ==
        "insert rule ip filter FORWARD iifname \"stk-i\" oifname \"stk-i\" accept comment \"stack stk-i within\"\n");
}

TEST_CASE("without an ip filter forward chain nothing is added there", "[firewall][rules]") {
  CHECK(host_filter_commands("stack", HostFilter{}, one_network()).empty());
}

TEST_CASE("an IPv6 network gets table ip6 with its masquerade and the same isolation", "[firewall][rules]") {
  FirewallState s = one_network();
  s.networks["stk-a"].subnet6 = "fd12:3456:789a::/64";
  s.networks["stk-i"] = {"p_back", "stk-i", "10.213.2.0/24", true, "fd12:3456:789b::/64"};
  const std::string text = table_commands("stack", s);
  const size_t six = text.find("table ip6 stack {\n");
  REQUIRE(six != std::string::npos);
  const std::string v6 = text.substr(six);
  CHECK_THAT(v6, Contains("elements = { \"stk-a\", \"stk-i\" }"));
  CHECK_THAT(v6, Contains("ip6 saddr fd12:3456:789a::/64 oifname != \"stk-a\" masquerade"));
  CHECK_THAT(v6, !Contains("fd12:3456:789b::/64"));  // internal: no way out
  CHECK_THAT(v6, Contains("iifname \"stk-a\" oifname != \"stk-a\" oifname @bridges drop"));
  CHECK_THAT(v6, Contains("iifname \"stk-i\" oifname != \"stk-i\" drop"));
  CHECK_THAT(v6, !Contains("127.0.0.0/8"));
}

TEST_CASE("ip6tables' filter table gets the same accept rules", "[firewall][rules]") {
  const std::string listing =
      R"({"nftables": [{"chain": {"family": "ip6", "table": "filter", "name": "FORWARD"}}]})";
  const HostFilter filter = parse_host_filter("stack", listing, "ip6");
  CHECK(filter.family == "ip6");
  CHECK(host_filter_commands("stack", filter, one_network()) ==
        "insert rule ip6 filter FORWARD iifname \"stk-a\" accept comment \"stack stk-a in\"\n"
        "insert rule ip6 filter FORWARD oifname \"stk-a\" accept comment \"stack stk-a out\"\n");
}
