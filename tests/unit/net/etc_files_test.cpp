#include <catch2/catch.hpp>

#include "net/etc_files.hpp"

using namespace stack::net;

TEST_CASE("render_hosts lists localhost, the extra hosts, then the container's own name", "[net][etc]") {
  HostsContent c;
  c.extra = {parse_extra_host("db:10.0.0.5", "10.213.5.1"), parse_extra_host("host.docker.internal=host-gateway", "10.213.5.1")};
  c.own_addresses = {"10.213.5.2"};
  c.hostname = "web";
  c.domainname = "example.org";
  const std::string text = render_hosts(c);
  CHECK(text.starts_with("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"));
  CHECK(text.find("10.0.0.5\tdb\n10.213.5.1\thost.docker.internal\n") != std::string::npos);
  CHECK(text.ends_with("10.213.5.2\tweb.example.org web\n"));
}

TEST_CASE("parse_extra_host refuses an entry without an address", "[net][etc]") {
  CHECK_THROWS_WITH(parse_extra_host("db", ""), Catch::Contains("--add-host"));
  CHECK_THROWS_WITH(parse_extra_host("gw:host-gateway", ""), Catch::Contains("host gateway"));
  CHECK(parse_extra_host("v6:[::1]", "").first == "::1");
}

TEST_CASE("render_resolv_conf writes nameservers, search and options", "[net][etc]") {
  CHECK(render_resolv_conf({"10.213.5.1"}, {}, {"ndots:0"}) == "nameserver 10.213.5.1\noptions ndots:0\n");
  CHECK(render_resolv_conf({"1.1.1.1", "9.9.9.9"}, {"a.example", "b.example"}, {}) ==
        "nameserver 1.1.1.1\nnameserver 9.9.9.9\nsearch a.example b.example\n");
}
