#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli/container_network_view.hpp"

using namespace stack;

TEST_CASE("inspect's NetworkSettings shows each network's addresses of both families and the ports", "[cli]") {
  net::Sandbox s{std::string(64, 'a'), "/run/stack/netns/aaa", {}};
  s.endpoints.push_back({.network = "p_front", .network_id = std::string(64, 'b'), .interface = "eth0", .ipv4 = "10.89.0.2",
                         .prefix_length = 24, .gateway = "10.89.0.1", .ipv6 = "fd12::2", .prefix_length6 = 64,
                         .gateway6 = "fd12::1", .mac = "02:42:0a:59:00:02", .aliases = {"web"}});
  s.endpoints.push_back({.network = "p_back", .network_id = std::string(64, 'c'), .interface = "eth1", .ipv4 = "10.89.1.2",
                         .prefix_length = 24, .gateway = "10.89.1.1"});
  const nlohmann::json n = cli::network_settings(s, {{"", 8080, 80, "tcp", "10.89.0.2", "stk-b", "fd12::2"}});
  CHECK(n["SandboxKey"] == "/run/stack/netns/aaa");
  CHECK(n["IPAddress"] == "10.89.0.2");  // the first network's, as docker's legacy fields
  CHECK(n["GlobalIPv6Address"] == "fd12::2");
  CHECK(n["Networks"]["p_front"]["IPv6Gateway"] == "fd12::1");
  CHECK(n["Networks"]["p_front"]["Aliases"] == nlohmann::json::array({"web"}));
  CHECK(n["Networks"]["p_back"]["GlobalIPv6Address"] == "");
  CHECK(n["Networks"]["p_back"]["IPAddress"] == "10.89.1.2");
  CHECK(n["Ports"]["80/tcp"] == nlohmann::json::parse(R"([{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", "HostPort": "8080"}])"));
  const nlohmann::json none = cli::network_settings(std::nullopt, {});
  CHECK(none["Networks"].empty());
  CHECK(none["IPAddress"] == "");
}
