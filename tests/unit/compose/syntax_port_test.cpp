#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "compose/syntax.hpp"

using stack::compose::parse_port_spec;
using stack::compose::ServicePort;

namespace {

ServicePort port(uint32_t target, std::string published = "", std::string host_ip = "", std::string protocol = "tcp") {
  ServicePort p;
  p.target = target;
  p.published = std::move(published);
  p.host_ip = std::move(host_ip);
  p.protocol = std::move(protocol);
  return p;
}

}  // namespace

TEST_CASE("port spec with only a container port publishes on a random host port", "[syntax][ports]") {
  auto ports = parse_port_spec("80");
  REQUIRE(ports == std::vector{port(80)});
  CHECK(ports[0].mode == "ingress");
  CHECK(ports[0].protocol == "tcp");
}

TEST_CASE("port spec maps host port to container port", "[syntax][ports]") {
  CHECK(parse_port_spec("8080:80") == std::vector{port(80, "8080")});
}

TEST_CASE("port spec keeps the host IP", "[syntax][ports]") {
  CHECK(parse_port_spec("127.0.0.1:8080:80") == std::vector{port(80, "8080", "127.0.0.1")});
  CHECK(parse_port_spec("127.0.0.1::80") == std::vector{port(80, "", "127.0.0.1")});
}

TEST_CASE("port spec accepts IPv6 host IPs with or without brackets", "[syntax][ports]") {
  CHECK(parse_port_spec("[::1]:8080:80") == std::vector{port(80, "8080", "::1")});
  CHECK(parse_port_spec("[::1]::80") == std::vector{port(80, "", "::1")});
  CHECK(parse_port_spec("::1:8080:80") == std::vector{port(80, "8080", "::1")});
  CHECK(parse_port_spec("fe80::1:53:53/udp") == std::vector{port(53, "53", "fe80::1", "udp")});
}

TEST_CASE("port spec reads the protocol case-insensitively", "[syntax][ports]") {
  CHECK(parse_port_spec("80/tcp") == std::vector{port(80)});
  CHECK(parse_port_spec("53/udp") == std::vector{port(53, "", "", "udp")});
  CHECK(parse_port_spec("80/sctp") == std::vector{port(80, "", "", "sctp")});
  CHECK(parse_port_spec("53:53/UDP") == std::vector{port(53, "53", "", "udp")});
}

TEST_CASE("port spec expands equal-length ranges pairwise", "[syntax][ports]") {
  auto ports = parse_port_spec("8000-8002:80-82/udp");
  CHECK(ports == std::vector{port(80, "8000", "", "udp"), port(81, "8001", "", "udp"), port(82, "8002", "", "udp")});
  CHECK(parse_port_spec("8000-8010:80-90").size() == 11);
}

TEST_CASE("port spec keeps a host range for a single container port", "[syntax][ports]") {
  CHECK(parse_port_spec("9090-9091:8080") == std::vector{port(8080, "9090-9091")});
  CHECK(parse_port_spec("127.0.0.1:9090-9099:80") == std::vector{port(80, "9090-9099", "127.0.0.1")});
}

TEST_CASE("port spec with a container range and no host port gives one random port each", "[syntax][ports]") {
  CHECK(parse_port_spec("80-81") == std::vector{port(80), port(81)});
}

TEST_CASE("port spec orders expanded ranges by target text like compose", "[syntax][ports]") {
  CHECK(parse_port_spec("98-101") == std::vector{port(100), port(101), port(98), port(99)});
}

TEST_CASE("port spec normalizes leading zeros and accepts the full port range", "[syntax][ports]") {
  CHECK(parse_port_spec("08080:080") == std::vector{port(80, "8080")});
  CHECK(parse_port_spec("65535:1") == std::vector{port(1, "65535")});
}

TEST_CASE("port spec errors name the spec and docker's reason", "[syntax][ports]") {
  using Catch::Matchers::Equals;
  CHECK_THROWS_WITH(parse_port_spec("x"), Equals("invalid port \"x\": invalid containerPort: x"));
  CHECK_THROWS_WITH(parse_port_spec("abc:80"), Equals("invalid port \"abc:80\": invalid hostPort: abc"));
  CHECK_THROWS_WITH(parse_port_spec("70000"), Equals("invalid port \"70000\": invalid containerPort: 70000"));
  CHECK_THROWS_WITH(parse_port_spec("0"), Equals("invalid port \"0\": invalid containerPort: 0"));
  CHECK_THROWS_WITH(parse_port_spec("8080:65536"),
                    Equals("invalid port \"8080:65536\": invalid containerPort: 65536"));
  CHECK_THROWS_WITH(parse_port_spec("-1"), Equals("invalid port \"-1\": invalid containerPort: -1"));
  CHECK_THROWS_WITH(parse_port_spec("90-80"), Equals("invalid port \"90-80\": invalid containerPort: 90-80"));
  CHECK_THROWS_WITH(parse_port_spec("80/icmp"), Equals("invalid port \"80/icmp\": invalid proto: icmp"));
  CHECK_THROWS_WITH(parse_port_spec("8080:"), Equals("invalid port \"8080:\": no container port specified"));
  CHECK_THROWS_WITH(parse_port_spec(""), Equals("invalid port \"\": no container port specified"));
  CHECK_THROWS_WITH(parse_port_spec("80:80:80:80"), Equals("invalid port \"80:80:80:80\": invalid IP address: 80:80"));
  CHECK_THROWS_WITH(parse_port_spec("300.0.0.1:80:80"),
                    Equals("invalid port \"300.0.0.1:80:80\": invalid IP address: 300.0.0.1"));
  CHECK_THROWS_WITH(parse_port_spec("[::1:80:80"), Equals("invalid port \"[::1:80:80\": invalid IP address: [::1"));
}

TEST_CASE("port spec rejects container and host ranges of different lengths", "[syntax][ports]") {
  CHECK_THROWS_WITH(
      parse_port_spec("8000-8001:80-82"),
      Catch::Matchers::Equals(
          "invalid port \"8000-8001:80-82\": invalid ranges specified for container and host Ports: 80-82 and 8000-8001"));
  CHECK_THROWS_WITH(parse_port_spec("8080:80-81"),
                    Catch::Matchers::Equals("invalid port \"8080:80-81\": invalid ranges specified for container and "
                                            "host Ports: 80-81 and 8080"));
}

TEST_CASE("port spec errors are stack errors", "[syntax][ports]") {
  CHECK_THROWS_AS(parse_port_spec("x"), stack::Error);
}
