#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "unit/image/scratch.hpp"
#include "net/ipam.hpp"

using namespace stack::net;

TEST_CASE("choose_subnet skips every subnet overlapping one in use", "[net][ipam]") {
  const std::vector<AddressPool> pools{{"10.89.0.0/16", 24}};
  CHECK(choose_subnet(pools, {}) == "10.89.0.0/24");
  CHECK(choose_subnet(pools, {"10.89.0.0/24", "10.89.1.7/32"}) == "10.89.2.0/24");
  CHECK(choose_subnet(pools, {"10.89.0.0/23"}) == "10.89.2.0/24");
}

TEST_CASE("choose_subnet fails as docker does when every pool is used", "[net][ipam]") {
  CHECK_THROWS_WITH(choose_subnet({{"10.213.0.0/23", 24}}, {"10.213.0.0/24", "10.213.1.0/24"}),
                    Catch::Contains("non-overlapping IPv4 address pool"));
}

TEST_CASE("address_pools reads default-address-pools from the root's config.json", "[net][ipam]") {
  stack::testing::TempDir dir;
  CHECK(address_pools(dir.path().string()).front().base == "10.89.0.0/16");
  dir.write("config.json", R"({"default-address-pools": [{"base": "10.213.0.0/16", "size": 26}]})");
  const auto pools = address_pools(dir.path().string());
  REQUIRE(pools.size() == 1);
  CHECK(pools[0].base == "10.213.0.0/16");
  CHECK(pools[0].size == 26);
  CHECK(choose_subnet(pools, {"10.213.0.0/26"}) == "10.213.0.64/26");
  dir.write("config.json", R"({"default-address-pools": [{"base": "10.213.0.0/16", "size": 8}]})");
  CHECK_THROWS_WITH(address_pools(dir.path().string()), Catch::Contains("config.json"));
}

TEST_CASE("resolve_pool defaults the gateway to the first address and checks gateway and range", "[net][ipam]") {
  const ResolvedPool p = resolve_pool({"10.213.5.77/24", "", ""}, "n");
  CHECK(p.subnet == "10.213.5.0/24");
  CHECK(p.gateway == "10.213.5.1");
  CHECK(resolve_pool({"10.213.5.0/24", "10.213.5.254", "10.213.5.128/25"}, "n").ip_range == "10.213.5.128/25");
  CHECK_THROWS_WITH(resolve_pool({"10.213.5.0/24", "10.213.6.1", ""}, "n"), Catch::Contains("invalid gateway"));
  CHECK_THROWS_WITH(resolve_pool({"10.213.5.0/24", "", "10.213.0.0/16"}, "n"), Catch::Contains("invalid ip-range"));
  CHECK_THROWS_WITH(resolve_pool({"nonsense", "", ""}, "n"), Catch::Contains("invalid subnet"));
}

TEST_CASE("allocate_address takes the lowest free address of the range, never the gateway", "[net][ipam]") {
  NetworkInfo n;
  n.name = "n";
  n.subnet = "10.213.5.0/24";
  n.gateway = "10.213.5.1";
  CHECK(allocate_address(n, {}, "") == "10.213.5.2");
  CHECK(allocate_address(n, {"10.213.5.2", "10.213.5.3"}, "") == "10.213.5.4");
  n.ip_range = "10.213.5.128/25";
  CHECK(allocate_address(n, {}, "") == "10.213.5.128");
  CHECK(allocate_address(n, {}, "10.213.5.9") == "10.213.5.9");
  CHECK_THROWS_WITH(allocate_address(n, {"10.213.5.9"}, "10.213.5.9"), Catch::Contains("already in use"));
  CHECK_THROWS_WITH(allocate_address(n, {}, "10.213.5.1"), Catch::Contains("no configured subnet"));
  CHECK_THROWS_WITH(allocate_address(n, {}, "10.213.6.9"), Catch::Contains("no configured subnet"));
  n.subnet = "10.213.5.0/30";
  n.ip_range = "";
  CHECK(allocate_address(n, {}, "") == "10.213.5.2");
  CHECK_THROWS_WITH(allocate_address(n, {"10.213.5.2"}, ""), Catch::Contains("no available IPv4 address"));
}

TEST_CASE("mac_for_address is docker's 02:42 followed by the address", "[net][ipam]") {
  CHECK(mac_for_address("172.17.0.2") == "02:42:ac:11:00:02");
}

TEST_CASE("parse_cidr clears host bits and rejects malformed text", "[net][ipam]") {
  CHECK(parse_cidr("10.1.2.3/16")->text() == "10.1.0.0/16");
  CHECK(parse_cidr("10.1.2.3")->prefix == 32);
  CHECK_FALSE(parse_cidr("10.1.2.3/33"));
  CHECK_FALSE(parse_cidr("10.1.2/8"));
  CHECK(parse_cidr("10.0.0.0/8")->overlaps(*parse_cidr("10.213.0.0/24")));
  CHECK_FALSE(parse_cidr("10.213.1.0/24")->overlaps(*parse_cidr("10.213.0.0/24")));
}

TEST_CASE("parse_cidr6 clears host bits, formats canonically and rejects IPv4", "[net][ipam]") {
  CHECK(parse_cidr6("fd12:3456:789a:1::5/64")->text() == "fd12:3456:789a:1::/64");
  CHECK(parse_cidr6("FD12::1")->text() == "fd12::1/128");
  CHECK_FALSE(parse_cidr6("fd12::/129"));
  CHECK_FALSE(parse_cidr6("10.1.2.0/24"));
  CHECK(parse_cidr6("fd00::/8")->overlaps(*parse_cidr6("fd12::/64")));
  CHECK_FALSE(parse_cidr6("fd12::/64")->overlaps(*parse_cidr6("fd13::/64")));
  CHECK(format_ipv6_address(parse_cidr6("fd12::/64")->last()) == "fd12::ffff:ffff:ffff:ffff");
}

TEST_CASE("choose_subnet6 takes a unique local /64 from the network id, past any in use", "[net][ipam]") {
  const std::string id = "0123456789abcdef" + std::string(48, '0');
  CHECK(choose_subnet6(id, {}) == "fd01:2345:6789::/64");
  CHECK(choose_subnet6(id, {"10.89.0.0/24", "fd01:2345:6789::/48"}) == "fd12:3456:789a::/64");
  CHECK_THROWS_WITH(choose_subnet6(id, {"fd00::/8"}), Catch::Contains("non-overlapping IPv6"));
}

TEST_CASE("resolve_pool6 defaults the gateway to ::1 and checks gateway and range", "[net][ipam]") {
  const ResolvedPool p = resolve_pool6({"fd12:3456:789a::77/64", "", ""}, "n");
  CHECK(p.subnet == "fd12:3456:789a::/64");
  CHECK(p.gateway == "fd12:3456:789a::1");
  CHECK(resolve_pool6({"fd12::/64", "fd12::fe", "fd12::100/120"}, "n").ip_range == "fd12::100/120");
  CHECK_THROWS_WITH(resolve_pool6({"fd12::/64", "fd13::1", ""}, "n"), Catch::Contains("invalid gateway"));
  CHECK_THROWS_WITH(resolve_pool6({"fd12::/64", "", "fd13::/120"}, "n"), Catch::Contains("invalid ip-range"));
  CHECK_THROWS_WITH(resolve_pool6({"fd12::/127", "", ""}, "n"), Catch::Contains("invalid subnet"));
}

TEST_CASE("allocate_address6 takes the lowest free address, never the subnet's own or the gateway", "[net][ipam]") {
  NetworkInfo n;
  n.name = "n";
  n.subnet6 = "fd12::/64";
  n.gateway6 = "fd12::1";
  CHECK(allocate_address6(n, {}, "") == "fd12::2");
  CHECK(allocate_address6(n, {"fd12::2", "fd12::3"}, "") == "fd12::4");
  CHECK(allocate_address6(n, {}, "FD12::0:99") == "fd12::99");
  CHECK_THROWS_WITH(allocate_address6(n, {"fd12::99"}, "fd12::99"), Catch::Contains("already in use"));
  CHECK_THROWS_WITH(allocate_address6(n, {}, "fd12::"), Catch::Contains("no configured subnet"));
  CHECK_THROWS_WITH(allocate_address6(n, {}, "fd13::5"), Catch::Contains("no configured subnet"));
  n.ip_range6 = "fd12::100/126";
  CHECK(allocate_address6(n, {"fd12::100", "fd12::101", "fd12::102"}, "") == "fd12::103");
  CHECK_THROWS_WITH(allocate_address6(n, {"fd12::100", "fd12::101", "fd12::102", "fd12::103"}, ""),
                    Catch::Contains("no available IPv6 address"));
}
