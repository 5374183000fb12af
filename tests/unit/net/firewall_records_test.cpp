#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "net/firewall_records.hpp"
#include "unit/net/firewall_temp_dir.hpp"

namespace fs = std::filesystem;
using namespace stack::net;
using stack::Error;

using TempDir = stack::net::testing::FirewallTempDir;

TEST_CASE("firewall records read back what was saved and remove what went", "[firewall][records]") {
  TempDir dir;
  FirewallRecords records(dir.path + "/firewall");
  CHECK(records.load() == FirewallState{});
  FirewallState s;
  s.networks["stk-a"] = {"p_default", "stk-a", "10.213.1.0/24", false};
  s.networks["stk-i"] = {"p_back", "stk-i", "10.213.2.0/24", true, "fd12:3456:789a::/64"};
  s.ports["c1"] = {{"127.0.0.1", 8080, 80, "tcp", "10.213.1.2", "stk-a"}};
  records.save({}, s);
  CHECK(records.load() == s);
  CHECK(records.ports("c1") == s.ports["c1"]);
  CHECK(records.ports("c2").empty());
  CHECK(fs::exists(dir.path + "/firewall/networks/stk-a.json"));

  FirewallState after = s;
  after.networks.erase("stk-a");
  after.ports.erase("c1");
  records.save(s, after);
  CHECK(records.load() == after);
  CHECK_FALSE(fs::exists(dir.path + "/firewall/ports/c1.json"));
}

TEST_CASE("an unreadable firewall record is an error naming its file", "[firewall][records]") {
  TempDir dir;
  fs::create_directories(dir.path + "/firewall/ports");
  std::ofstream(dir.path + "/firewall/ports/c1.json") << "{not json";
  FirewallRecords records(dir.path + "/firewall");
  CHECK_THROWS_WITH(records.load(), Catch::Contains("ports/c1.json"));
}

TEST_CASE("names that cannot be file names are refused", "[firewall][records]") {
  CHECK_NOTHROW(check_record_name("bridge", "stk-0123abcd45e"));
  CHECK_THROWS_AS(check_record_name("bridge", "../x"), Error);
  CHECK_THROWS_AS(check_record_name("container", ""), Error);
  CHECK_THROWS_AS(check_record_name("container", ".."), Error);
  CHECK_THROWS_AS(check_record_name("bridge", "a\"b"), Error);
}
