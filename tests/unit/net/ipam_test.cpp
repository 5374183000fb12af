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
