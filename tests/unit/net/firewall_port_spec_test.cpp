#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "net/firewall_port_spec.hpp"

using stack::Error;
using namespace stack::net;

namespace {

PortSpec spec(std::string host_ip, uint16_t host, uint16_t host_end, uint16_t container, uint16_t container_end,
              std::string protocol = "tcp") {
  return PortSpec{std::move(host_ip), host, host_end, container, container_end, std::move(protocol)};
}

std::string error_of(std::string_view text) {
  try {
    parse_port_spec(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a bare container port publishes on a random host port of every address", "[firewall][port_spec]") {
  CHECK(parse_port_spec("80") == spec("", 0, 0, 80, 80));
  CHECK(parse_port_spec("80-82") == spec("", 0, 0, 80, 82));
}

TEST_CASE("host and container ports map one to one", "[firewall][port_spec]") {
  CHECK(parse_port_spec("8080:80") == spec("", 8080, 8080, 80, 80));
  CHECK(parse_port_spec("8000-8010:80-90/udp") == spec("", 8000, 8010, 80, 90, "udp"));
  CHECK(parse_port_spec("53:53/UDP") == spec("", 53, 53, 53, 53, "udp"));
}

TEST_CASE("a host address is kept and 0.0.0.0 means every address", "[firewall][port_spec]") {
  CHECK(parse_port_spec("127.0.0.1:8080:80") == spec("127.0.0.1", 8080, 8080, 80, 80));
  CHECK(parse_port_spec("0.0.0.0:8080:80/tcp") == spec("", 8080, 8080, 80, 80));
}

TEST_CASE("an empty host port is a random one", "[firewall][port_spec]") {
  CHECK(parse_port_spec("127.0.0.1::80") == spec("127.0.0.1", 0, 0, 80, 80));
  CHECK(parse_port_spec("::80") == spec("", 0, 0, 80, 80));
}

TEST_CASE("one container port may take any port of a host range", "[firewall][port_spec]") {
  CHECK(parse_port_spec("8000-8010:80") == spec("", 8000, 8010, 80, 80));
}

TEST_CASE("malformed port specs are errors quoting the spec", "[firewall][port_spec]") {
  CHECK_THAT(error_of("8080:80-81"), Catch::Contains("\"8080:80-81\"") && Catch::Contains("differ in size"));
  CHECK_THAT(error_of("8000-8002:80-81"), Catch::Contains("differ in size"));
  CHECK_THAT(error_of("70000:80"), Catch::Contains("out of range"));
  CHECK_THAT(error_of("0"), Catch::Contains("out of range"));
  CHECK_THAT(error_of("http"), Catch::Contains("not a port number"));
  CHECK_THAT(error_of("80/sctp"), Catch::Contains("not tcp or udp"));
  CHECK_THAT(error_of("8080:"), Catch::Contains("no container port"));
  CHECK_THAT(error_of("90-80"), Catch::Contains("ends before it starts"));
  CHECK_THAT(error_of("1.2.3:80:80"), Catch::Contains("not an IPv4 address"));
  CHECK_THAT(error_of("[::1]:80:80"), Catch::Contains("IPv6"));
}

TEST_CASE("an exposed port of an image publishes on random host ports", "[firewall][port_spec]") {
  CHECK(exposed_port_spec("80/tcp") == spec("", 0, 0, 80, 80));
  CHECK(exposed_port_spec("53/udp") == spec("", 0, 0, 53, 53, "udp"));
  CHECK(exposed_port_spec("9000") == spec("", 0, 0, 9000, 9000));
  CHECK_THROWS_AS(exposed_port_spec("x/tcp"), Error);
}

TEST_CASE("a published port prints as docker port prints it", "[firewall][port_spec]") {
  CHECK(format_published({"", 32768, 80, "tcp", "10.0.0.2", "br"}) == "80/tcp -> 0.0.0.0:32768");
  CHECK(format_published({"127.0.0.1", 53, 53, "udp", "10.0.0.2", "br"}) == "53/udp -> 127.0.0.1:53");
}

TEST_CASE("a port that IPv6 leads to too prints both sockets, as docker does", "[firewall][port_spec]") {
  PublishedPort p{"", 8080, 80, "tcp", "10.213.1.2", "stk-a", "fd12::2"};
  CHECK(published_at(p) == std::vector<std::string>{"0.0.0.0:8080", "[::]:8080"});
  CHECK(format_published(p) == "80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080");
}

TEST_CASE("publish-all adds the image's exposed ports that no -p publishes", "[firewall][port_spec]") {
  const auto specs = with_exposed_ports({parse_port_spec("8080:80")}, {"80/tcp", "81-82/tcp", "80/udp"});
  REQUIRE(specs.size() == 4);
  CHECK(specs[0] == spec("", 8080, 8080, 80, 80));
  CHECK(specs[1] == spec("", 0, 0, 81, 81));
  CHECK(specs[2] == spec("", 0, 0, 82, 82));
  CHECK(specs[3] == spec("", 0, 0, 80, 80, "udp"));
}
