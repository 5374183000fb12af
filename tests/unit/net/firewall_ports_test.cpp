#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "net/firewall_port_spec.hpp"
#include "net/firewall_ports.hpp"
#include "net/testing/fake_firewall_host.hpp"

using namespace stack::net;
using stack::Error;
using stack::net::testing::FakeFirewallHost;
using Catch::Contains;

namespace {

PortRequest request(const std::string& owner, std::vector<std::string> specs) {
  PortRequest r{owner, "10.213.1.2", "stk-a", {}};
  for (const auto& s : specs) r.specs.push_back(parse_port_spec(s));
  return r;
}

std::string error_of(const PortRequest& r, const FirewallState& state, FakeFirewallHost& host) {
  try {
    allocate_ports(r, state, host, 0);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("explicit host ports are published as asked and ranges one to one", "[firewall][ports]") {
  FakeFirewallHost host;
  const auto ports = allocate_ports(request("c1", {"8080:80", "127.0.0.1:9000-9001:90-91/udp"}), {}, host, 0);
  REQUIRE(ports.size() == 3);
  CHECK(ports[0] == PublishedPort{"", 8080, 80, "tcp", "10.213.1.2", "stk-a"});
  CHECK(ports[1] == PublishedPort{"127.0.0.1", 9000, 90, "udp", "10.213.1.2", "stk-a"});
  CHECK(ports[2] == PublishedPort{"127.0.0.1", 9001, 91, "udp", "10.213.1.2", "stk-a"});
}

TEST_CASE("a host port bound by a process is an error naming the port", "[firewall][ports]") {
  FakeFirewallHost host;
  host.busy.insert({"tcp", 8080});
  CHECK_THAT(error_of(request("c1", {"8080:80"}), {}, host), Contains("0.0.0.0:8080/tcp is already in use"));
  CHECK(allocate_ports(request("c1", {"8080:80/udp"}), {}, host, 0).size() == 1);
}

TEST_CASE("an IPv6-only listener takes the port from a container with an IPv6 address only", "[firewall][ports]") {
  FakeFirewallHost host;
  host.busy_on.insert({"tcp", "::", 8080});
  PortRequest six = request("c1", {"8080:80"});
  six.container.ipv6 = "fd12::2";
  CHECK_THAT(error_of(six, {}, host), Contains("port [::]:8080/tcp is already in use on the host"));
  CHECK(allocate_ports(request("c1", {"8080:80"}), {}, host, 0).size() == 1);  // IPv4 only: not its business
  host.busy_on.insert({"tcp", "::", 40000});  // the first random candidate
  six.specs = {parse_port_spec("80")};
  CHECK(allocate_ports(six, {}, host, 0).front().host_port == 40001);
}

TEST_CASE("a host port published by another container is an error naming the port", "[firewall][ports]") {
  FakeFirewallHost host;
  FirewallState state;
  state.ports["other0123456789"] = {{"127.0.0.1", 8080, 80, "tcp", "10.213.1.3", "stk-a"}};
  CHECK_THAT(error_of(request("c1", {"8080:80"}), state, host),
             Contains("port 0.0.0.0:8080/tcp is already published by container other0123456"));
  CHECK_THAT(error_of(request("c1", {"127.0.0.1:8080:80"}), state, host), Contains("already published"));
  // Another address of the host does not clash with 127.0.0.1.
  CHECK(allocate_ports(request("c1", {"10.0.0.5:8080:80"}), state, host, 0).size() == 1);
}

TEST_CASE("a port asked for twice in one request is an error", "[firewall][ports]") {
  FakeFirewallHost host;
  CHECK_THAT(error_of(request("c1", {"8080:80", "8080:81"}), {}, host), Contains("asked for twice"));
}

TEST_CASE("random host ports come from the ephemeral range and avoid busy and published ones", "[firewall][ports]") {
  FakeFirewallHost host;  // 40000-40009
  host.busy.insert({"tcp", 40000});
  FirewallState state;
  state.ports["other"] = {{"", 40001, 80, "tcp", "10.213.1.3", "stk-a"}};
  const auto ports = allocate_ports(request("c1", {"80-81"}), state, host, 0);
  REQUIRE(ports.size() == 2);
  CHECK(ports[0].host_port == 40002);
  CHECK(ports[1].host_port == 40003);
  // The seed moves the start; the search wraps around the range.
  CHECK(allocate_ports(request("c1", {"80"}), state, host, 9)[0].host_port == 40009);
  CHECK(allocate_ports(request("c1", {"80"}), state, host, 10)[0].host_port == 40002);
}

TEST_CASE("no free port in the ephemeral range is an error", "[firewall][ports]") {
  FakeFirewallHost host;
  host.ephemeral = {40000, 40001};
  host.busy = {{"tcp", 40000}, {"tcp", 40001}};
  CHECK_THAT(error_of(request("c1", {"80"}), {}, host), Contains("no free host port in 40000-40001"));
}

TEST_CASE("one container port takes the first free port of a host range", "[firewall][ports]") {
  FakeFirewallHost host;
  host.busy.insert({"tcp", 8000});
  CHECK(allocate_ports(request("c1", {"8000-8002:80"}), {}, host, 0)[0].host_port == 8001);
  host.busy = {{"tcp", 8000}, {"tcp", 8001}, {"tcp", 8002}};
  CHECK_THAT(error_of(request("c1", {"8000-8002:80"}), {}, host), Contains("every host port of 8000-8002 is in use"));
}

TEST_CASE("publishing again what the owner already published keeps its ports", "[firewall][ports]") {
  FakeFirewallHost host;
  FirewallState state;
  state.ports["c1"] = {{"", 40005, 80, "tcp", "10.213.1.2", "stk-a"}, {"", 8080, 81, "tcp", "10.213.1.2", "stk-a"}};
  host.busy.insert({"tcp", 8080});  // our own DNAT holds no socket, but be sure no probe is asked
  const auto ports = allocate_ports(request("c1", {"80", "8080:81"}), state, host, 0);
  REQUIRE(ports.size() == 2);
  CHECK(ports[0].host_port == 40005);
  CHECK(ports[1].host_port == 8080);
}

TEST_CASE("malformed requests from the orchestrator are refused", "[firewall][ports]") {
  FakeFirewallHost host;
  PortRequest r{"c1", "10.213.1.2", "stk-a", {PortSpec{"", 0, 0, 0, 0, "tcp"}}};
  CHECK_THAT(error_of(r, {}, host), Contains("invalid port to publish"));
  r.specs = {PortSpec{"", 8000, 8001, 80, 82, "tcp"}};
  CHECK_THAT(error_of(r, {}, host), Contains("differ in number"));
}
