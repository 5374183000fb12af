#include <catch2/catch.hpp>
#include <set>

#include "net/dns/name_table.hpp"
#include "net/dns/responder.hpp"
#include "net/dns/shuffle.hpp"
#include "net/dns/upstream.hpp"

using namespace stack::net::dns;

namespace {

std::vector<NetworkRecords> sample_records() {
  NetworkRecords n1{{"one", "10.213.7.1", "10.213.7.0/24", false}, {}};
  n1.containers.push_back({"a1", {"web", "proj-web-1"}, "10.213.7.2", "fd00::2", "live"});
  n1.containers.push_back({"a2", {"web", "proj-web-2"}, "10.213.7.3", "", "live"});
  n1.containers.push_back({"a3", {"web", "proj-web-3"}, "10.213.7.4", "", "dead"});
  n1.containers.push_back({"a4", {"db"}, "10.213.7.5", "", "live"});
  NetworkRecords n2{{"two", "10.213.8.1", "10.213.8.0/24", true}, {}};
  n2.containers.push_back({"b1", {"cache"}, "10.213.8.2", "", "live"});
  return {n1, n2};
}

Table sample_table() {
  return build_table(sample_records(), [](const std::string& state) { return state == "live"; });
}

std::vector<uint8_t> query(const std::string& name, uint16_t qtype, uint16_t id = 7) {
  Message m;
  m.header.id = id;
  m.header.flags = flag::RD;
  m.questions.push_back({name, qtype, kClassIn});
  return serialize(m);
}

struct Outcome {
  Verdict verdict;
  std::optional<Message> reply;
};

Outcome ask(const Table& t, const std::string& network_gateway, uint32_t client, const std::vector<uint8_t>& q,
            bool tcp = false) {
  static Rng rng(42);
  std::vector<uint8_t> out(tcp ? 65535 : kEdnsPayload);
  size_t size = 0;
  const auto* network = t.by_gateway(to_host_order(*parse_ipv4(network_gateway)));
  const Verdict v = respond(network, Client{client, tcp}, q, out, size, rng);
  if (v != Verdict::Reply) return {v, std::nullopt};
  out.resize(size);
  return {v, parse_message(out)};
}

uint32_t ip(const std::string& s) { return to_host_order(*parse_ipv4(s)); }

std::set<std::vector<uint8_t>> rdatas(const Message& m) {
  std::set<std::vector<uint8_t>> out;
  for (const auto& a : m.answers) out.insert(a.rdata);
  return out;
}

}  // namespace

TEST_CASE("the table keeps only live containers, each name with all its addresses", "[dns]") {
  const Table t = sample_table();
  REQUIRE(t.networks.size() == 2);
  const auto* web = t.networks[0].find("web");
  REQUIRE(web);
  CHECK(web->v4 == std::vector<Ipv4>{{10, 213, 7, 2}, {10, 213, 7, 3}});
  CHECK(web->v6.size() == 1);
  CHECK_FALSE(t.networks[0].find("proj-web-3"));
  CHECK_FALSE(t.networks[0].find("cache"));
  CHECK(*t.networks[0].find_reverse(ip("10.213.7.5")) == "db");
}

TEST_CASE("A for a service name answers every replica", "[dns]") {
  const auto r = ask(sample_table(), "10.213.7.1", ip("10.213.7.9"), query("web", type::A));
  REQUIRE(r.reply);
  CHECK(r.reply->header.rcode() == Rcode::NoError);
  CHECK(r.reply->header.flags & flag::AA);
  CHECK(r.reply->header.id == 7);
  CHECK(rdatas(*r.reply) == std::set<std::vector<uint8_t>>{{10, 213, 7, 2}, {10, 213, 7, 3}});
  CHECK(r.reply->answers[0].ttl == kLocalTtl);
}

TEST_CASE("names are matched without regard to case and the question is echoed as asked", "[dns]") {
  const auto r = ask(sample_table(), "10.213.7.1", ip("10.213.7.9"), query("PROJ-Web-1.", type::A));
  REQUIRE(r.reply);
  REQUIRE(r.reply->answers.size() == 1);
  CHECK(r.reply->questions[0].name == "PROJ-Web-1");
}

TEST_CASE("replicas come back in a shuffled order", "[dns]") {
  NetworkRecords n{{"one", "10.213.7.1", "10.213.7.0/24", false}, {}};
  for (int i = 2; i < 10; ++i)
    n.containers.push_back({"c" + std::to_string(i), {"web"}, "10.213.7." + std::to_string(i), "", "live"});
  const Table t = build_table({n}, [](const std::string&) { return true; });
  std::set<std::vector<uint8_t>> firsts;
  for (int i = 0; i < 50; ++i) {
    const auto r = ask(t, "10.213.7.1", ip("10.213.7.20"), query("web", type::A));
    REQUIRE(r.reply->answers.size() == 8);
    firsts.insert(r.reply->answers[0].rdata);
  }
  CHECK(firsts.size() > 3);
}

TEST_CASE("shuffled_order is a permutation", "[dns]") {
  Rng rng(1);
  std::array<uint16_t, 10> order;
  shuffled_order(order, rng);
  std::set<uint16_t> seen(order.begin(), order.end());
  CHECK(seen.size() == 10);
  CHECK(*seen.rbegin() == 9);
}

TEST_CASE("AAAA answers IPv6 addresses, and no data for a name without any", "[dns]") {
  const Table t = sample_table();
  const auto web = ask(t, "10.213.7.1", ip("10.213.7.9"), query("proj-web-1", type::AAAA));
  REQUIRE(web.reply->answers.size() == 1);
  CHECK(web.reply->answers[0].type == type::AAAA);
  const auto db = ask(t, "10.213.7.1", ip("10.213.7.9"), query("db", type::AAAA));
  CHECK(db.reply->header.rcode() == Rcode::NoError);
  CHECK(db.reply->answers.empty());
}

TEST_CASE("PTR answers a container's first name and NXDOMAIN for other addresses of the subnet", "[dns]") {
  const Table t = sample_table();
  const auto r = ask(t, "10.213.7.1", ip("10.213.7.9"), query("5.7.213.10.in-addr.arpa", type::PTR));
  REQUIRE(r.reply->answers.size() == 1);
  CHECK(r.reply->answers[0].target == "db");
  const auto none = ask(t, "10.213.7.1", ip("10.213.7.9"), query("99.7.213.10.in-addr.arpa", type::PTR));
  CHECK(none.reply->header.rcode() == Rcode::NxDomain);
  CHECK(ask(t, "10.213.7.1", ip("10.213.7.9"), query("1.1.1.10.in-addr.arpa", type::PTR)).verdict == Verdict::Forward);
}

TEST_CASE("PTR of a container's IPv6 address answers its first name; other IPv6 names go upstream", "[dns]") {
  const Table t = sample_table();
  const std::string fd00_2 = "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
  const auto r = ask(t, "10.213.7.1", ip("10.213.7.9"), query(fd00_2, type::PTR));
  REQUIRE(r.reply);
  REQUIRE(r.reply->answers.size() == 1);
  CHECK(r.reply->answers[0].target == "web");
  std::string other = fd00_2;
  other[0] = '3';
  CHECK(ask(t, "10.213.7.1", ip("10.213.7.9"), query(other, type::PTR)).verdict == Verdict::Forward);
  CHECK(ask(t, "10.213.8.1", ip("10.213.8.9"), query(fd00_2, type::PTR)).reply->header.rcode() == Rcode::NxDomain);
}

TEST_CASE("a name of another network is not answered", "[dns]") {
  const auto r = ask(sample_table(), "10.213.7.1", ip("10.213.7.9"), query("cache", type::A));
  CHECK(r.verdict == Verdict::Forward);
}

TEST_CASE("external names are forwarded, or NXDOMAIN on an internal network", "[dns]") {
  const Table t = sample_table();
  CHECK(ask(t, "10.213.7.1", ip("10.213.7.9"), query("example.org", type::A)).verdict == Verdict::Forward);
  const auto internal = ask(t, "10.213.8.1", ip("10.213.8.9"), query("example.org", type::A));
  REQUIRE(internal.reply);
  CHECK(internal.reply->header.rcode() == Rcode::NxDomain);
}

TEST_CASE("a client outside the network's subnet is refused", "[dns]") {
  const auto r = ask(sample_table(), "10.213.7.1", ip("10.213.8.2"), query("web", type::A));
  REQUIRE(r.reply);
  CHECK(r.reply->header.rcode() == Rcode::Refused);
  CHECK(r.reply->answers.empty());
}

TEST_CASE("malformed queries get FORMERR, responses and short packets are dropped", "[dns]") {
  const Table t = sample_table();
  auto bad = query("web", type::A);
  bad.resize(bad.size() - 3);
  const auto r = ask(t, "10.213.7.1", ip("10.213.7.9"), bad);
  REQUIRE(r.reply);
  CHECK(r.reply->header.rcode() == Rcode::FormErr);
  auto response = query("web", type::A);
  response[2] |= 0x80;
  CHECK(ask(t, "10.213.7.1", ip("10.213.7.9"), response).verdict == Verdict::Drop);
  CHECK(ask(t, "10.213.7.1", ip("10.213.7.9"), {1, 2, 3}).verdict == Verdict::Drop);
  auto update = query("web", type::A);
  update[2] |= 5 << 3;  // opcode UPDATE
  CHECK(ask(t, "10.213.7.1", ip("10.213.7.9"), update).reply->header.rcode() == Rcode::NotImp);
}

TEST_CASE("too many replicas for 512 bytes set TC over UDP and all fit over TCP", "[dns]") {
  NetworkRecords n{{"one", "10.213.7.1", "10.213.0.0/16", false}, {}};
  for (int i = 0; i < 60; ++i)
    n.containers.push_back({"c" + std::to_string(i), {"web"}, "10.213.9." + std::to_string(i + 2), "", "live"});
  const Table t = build_table({n}, [](const std::string&) { return true; });
  const auto udp = ask(t, "10.213.7.1", ip("10.213.7.9"), query("web", type::A));
  CHECK(udp.reply->header.truncated());
  CHECK(udp.reply->answers.size() == (512 - 12 - 8) / 16);
  const auto tcp = ask(t, "10.213.7.1", ip("10.213.7.9"), query("web", type::A), true);
  CHECK_FALSE(tcp.reply->header.truncated());
  CHECK(tcp.reply->answers.size() == 60);
}

TEST_CASE("an EDNS query gets an OPT record back", "[dns]") {
  Message m;
  m.header.id = 9;
  m.questions.push_back({"web", type::A, kClassIn});
  m.additional.push_back({"", type::OPT, 4096, 0, {}, ""});
  const auto r = ask(sample_table(), "10.213.7.1", ip("10.213.7.9"), serialize(m));
  REQUIRE(r.reply);
  CHECK(r.reply->answers.size() == 2);
  REQUIRE(r.reply->additional.size() == 1);
  CHECK(r.reply->additional[0].type == type::OPT);
  CHECK(r.reply->additional[0].klass == kEdnsPayload);
}

TEST_CASE("error_reply echoes the question with the given rcode", "[dns]") {
  const auto q = query("example.org", type::A, 77);
  std::vector<uint8_t> out(512);
  out.resize(error_reply(q, Rcode::ServFail, out));
  const auto m = parse_message(out);
  REQUIRE(m);
  CHECK(m->header.id == 77);
  CHECK(m->header.rcode() == Rcode::ServFail);
  CHECK(m->questions[0].name == "example.org");
}

TEST_CASE("reverse names parse to addresses, anything else does not", "[dns]") {
  CHECK(parse_reverse4("5.7.213.10.in-addr.arpa") == ip("10.213.7.5"));
  CHECK_FALSE(parse_reverse4("7.213.10.in-addr.arpa"));
  CHECK_FALSE(parse_reverse4("256.7.213.10.in-addr.arpa"));
  CHECK_FALSE(parse_reverse4("x.7.213.10.in-addr.arpa"));
  CHECK_FALSE(parse_reverse4("in-addr.arpa"));
  const std::string v6 = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.1.d.f.ip6.arpa";
  CHECK(parse_reverse6(v6) == parse_ipv6("fd12::1"));
  CHECK_FALSE(parse_reverse6(v6.substr(2)));                      // 31 nibbles
  CHECK_FALSE(parse_reverse6("g" + v6.substr(1)));                // not hex
  CHECK_FALSE(parse_reverse6("1." + v6.substr(0, v6.size() - 9) + ".ip6.arpb"));
}

TEST_CASE("resolv.conf nameserver lines are read, with loopback ones marked", "[dns]") {
  const auto list = parse_resolv_conf("# comment\nsearch lan\nnameserver 127.0.0.53\nnameserver 10.0.0.1\n"
                                      "nameserver fe80::1%eth0\nnameserver ::1\noptions edns0\n");
  REQUIRE(list.size() == 3);
  CHECK(list[0].loopback);
  CHECK(list[1].text == "10.0.0.1");
  CHECK_FALSE(list[1].loopback);
  CHECK(list[2].loopback);
}
