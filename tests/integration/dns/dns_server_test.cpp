// stack-dns against the real kernel, each test inside a network namespace of its own:
// gateways 10.213.7.1 and 10.213.8.1 on lo, a fake upstream on 127.0.0.2.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <set>

#include "base/files.hpp"
#include "dns/dns_harness.hpp"
#include "net/dns/launcher.hpp"
#include "net/dns/records.hpp"

using namespace stack::net::dns;
using stack::testing::ask;
using stack::testing::eventually;
namespace fs = std::filesystem;

namespace {

bool process_gone(pid_t pid) {
  std::string stat;
  try {
    stat = stack::base::read_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const std::exception&) {
    return true;
  }
  return stat.find(") Z ") != std::string::npos;
}

std::string running_state(const std::string& status) { return R"({"id":"x","status":")" + status + "\"}\n"; }

// A namespace, a run root and a state root, the records of two networks, and the
// server (ended by its pid at the end).
struct World {
  fs::path dir;
  stack::testing::PrivateNetns netns{{"10.213.7.1/24", "10.213.8.1/24"}};
  std::string run_root, upstream_file;
  pid_t server = 0;

  explicit World(const std::string& upstreams = "nameserver 127.0.0.2\n") {
    char tmpl[] = "/tmp/stack-dns-it-XXXXXX";
    dir = ::mkdtemp(tmpl);
    run_root = (dir / "run").string();
    upstream_file = (dir / "resolv.conf").string();
    stack::base::write_file_atomic(upstream_file, upstreams);
    publish_network(run_root, {"stt-one", "10.213.7.1", "10.213.7.0/24", false});
    publish_network(run_root, {"stt-two", "10.213.8.1", "10.213.8.0/24", false});
    add("one1", "stt-one", {"web", "proj-web-1"}, "10.213.7.2", "fd00:213::2");
    add("one2", "stt-one", {"web", "proj-web-2"}, "10.213.7.3", "");
    add("two1", "stt-two", {"cache"}, "10.213.8.2", "");
  }
  ~World() {
    if (server > 0) {
      ::kill(server, SIGTERM);
      eventually([&] { return process_gone(server); });
    }
    fs::remove_all(dir);
  }

  std::string state_path(const std::string& id) { return (dir / "root/containers" / id / "state.json").string(); }
  void set_state(const std::string& id, const std::string& status) {
    fs::create_directories(fs::path(state_path(id)).parent_path());
    stack::base::write_file_atomic(state_path(id), running_state(status), 0644, stack::base::Durability::Replace);
  }
  void add(const std::string& id, const std::string& network, std::vector<std::string> names, const std::string& v4,
           const std::string& v6) {
    set_state(id, "running");
    publish_container(run_root, network, {id, std::move(names), v4, v6, state_path(id)});
  }
  void start() {
    server = ensure_dns_running(run_root, STACK_DNS_BINARY, {upstream_file, 53}).pid;
    REQUIRE(server > 0);
  }
};

std::set<std::vector<uint8_t>> addresses(const std::optional<Message>& m) {
  std::set<std::vector<uint8_t>> out;
  if (m)
    for (const auto& a : m->answers) out.insert(a.rdata);
  return out;
}

}  // namespace

TEST_CASE("stack-dns answers A, AAAA and PTR for the network a query arrives on", "[dns]") {
  World w;  // first: everything after it lives in the test's namespace
  stack::testing::FakeUpstream upstream("127.0.0.2");
  w.start();
  CHECK(addresses(ask("10.213.7.1", "web", type::A)) == std::set<std::vector<uint8_t>>{{10, 213, 7, 2}, {10, 213, 7, 3}});
  CHECK(addresses(ask("10.213.7.1", "proj-web-2.", type::A)) == std::set<std::vector<uint8_t>>{{10, 213, 7, 3}});
  const auto v6 = ask("10.213.7.1", "proj-web-1", type::AAAA);
  REQUIRE(v6);
  REQUIRE(v6->answers.size() == 1);
  CHECK(v6->answers[0].rdata == std::vector<uint8_t>{0xfd, 0, 2, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
  const auto none6 = ask("10.213.7.1", "proj-web-2", type::AAAA);
  REQUIRE(none6);
  CHECK(none6->header.rcode() == Rcode::NoError);
  CHECK(none6->answers.empty());
  const auto ptr = ask("10.213.7.1", "2.7.213.10.in-addr.arpa", type::PTR);
  REQUIRE(ptr);
  REQUIRE(ptr->answers.size() == 1);
  CHECK(ptr->answers[0].target == "web");
  CHECK(addresses(ask("10.213.8.1", "cache", type::A)) == std::set<std::vector<uint8_t>>{{10, 213, 8, 2}});
}

TEST_CASE("stack-dns never answers a name of another network", "[dns]") {
  World w;  // first: everything after it lives in the test's namespace
  stack::testing::FakeUpstream upstream("127.0.0.2");
  w.start();
  const auto r = ask("10.213.7.1", "cache", type::A);
  REQUIRE(r);
  CHECK(r->header.rcode() == Rcode::NxDomain);  // the fake upstream's word: not ours
  CHECK(r->answers.empty());
  CHECK(ask("10.213.8.1", "web", type::A)->answers.empty());
}

TEST_CASE("stack-dns forwards external names and relays the upstream's answer, over UDP and TCP", "[dns]") {
  World w;  // first: everything after it lives in the test's namespace
  stack::testing::FakeUpstream upstream("127.0.0.2");
  w.start();
  CHECK(addresses(ask("10.213.7.1", "external.test", type::A)) == std::set<std::vector<uint8_t>>{{192, 0, 2, 7}});
  CHECK(addresses(ask("10.213.7.1", "external.test", type::A, true)) == std::set<std::vector<uint8_t>>{{192, 0, 2, 7}});
  CHECK(upstream.queries() == 2);
  CHECK(addresses(ask("10.213.7.1", "web", type::A, true)).size() == 2);
}

TEST_CASE("stack-dns answers SERVFAIL within its timeout when no upstream answers", "[dns]") {
  // 127.0.0.3: nothing listens (refused at once); 127.0.0.4: a socket that never answers.
  World w("nameserver 127.0.0.3\nnameserver 127.0.0.4\n");
  stack::UniqueFd silent(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(53);
  a.sin_addr.s_addr = htonl(0x7F000004);
  REQUIRE(::bind(silent.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  w.start();
  const auto start = std::chrono::steady_clock::now();
  const auto r = ask("10.213.7.1", "external.test", type::A, false, std::chrono::seconds(6));
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(r);
  CHECK(r->header.rcode() == Rcode::ServFail);
  CHECK(took >= std::chrono::milliseconds(1900));  // waited for the silent one
  CHECK(took < std::chrono::milliseconds(3500));   // but not for the refusing one
  const auto tcp = ask("10.213.7.1", "external.test", type::A, true, std::chrono::seconds(8));
  REQUIRE(tcp);
  CHECK(tcp->header.rcode() == Rcode::ServFail);
}

TEST_CASE("a container whose state goes to exited disappears from the answers, and comes back", "[dns]") {
  World w;  // first: everything after it lives in the test's namespace
  stack::testing::FakeUpstream upstream("127.0.0.2");
  w.start();
  REQUIRE(addresses(ask("10.213.7.1", "web", type::A)).size() == 2);
  w.set_state("one1", "exited");
  CHECK(eventually([] { return addresses(ask("10.213.7.1", "web", type::A)).size() == 1; }));
  CHECK(addresses(ask("10.213.7.1", "web", type::A)) == std::set<std::vector<uint8_t>>{{10, 213, 7, 3}});
  w.set_state("one1", "running");
  CHECK(eventually([] { return addresses(ask("10.213.7.1", "web", type::A)).size() == 2; }));
  fs::remove(w.state_path("one2"));
  CHECK(eventually([] { return addresses(ask("10.213.7.1", "web", type::A)).size() == 1; }));
}

TEST_CASE("stack-dns picks up new containers and networks as they are published", "[dns]") {
  World w;  // first: everything after it lives in the test's namespace
  stack::testing::FakeUpstream upstream("127.0.0.2");
  w.start();
  w.add("one3", "stt-one", {"worker"}, "10.213.7.9", "");
  CHECK(eventually([] { return addresses(ask("10.213.7.1", "worker", type::A)).size() == 1; }));
  remove_container(w.run_root, "stt-one", "one3");
  CHECK(eventually([] { return addresses(ask("10.213.7.1", "worker", type::A)).empty(); }));
  remove_network(w.run_root, "stt-two");
  CHECK(eventually([] { return !ask("10.213.8.1", "cache", type::A, false, std::chrono::milliseconds(200)); }));
}

TEST_CASE("stack-dns exits once the last network record is removed", "[dns]") {
  World w;  // first: everything after it lives in the test's namespace
  stack::testing::FakeUpstream upstream("127.0.0.2");
  w.start();
  remove_network(w.run_root, "stt-one");
  remove_network(w.run_root, "stt-two");
  CHECK(eventually([&] { return process_gone(w.server); }));
  w.server = 0;
}

TEST_CASE("concurrent ensure_dns_running calls start exactly one server", "[dns]") {
  World w;  // first: everything after it lives in the test's namespace
  stack::testing::FakeUpstream upstream("127.0.0.2");
  std::vector<std::future<DnsServerInfo>> calls;
  for (int i = 0; i < 4; ++i)
    calls.push_back(std::async(std::launch::async, [&] {
      return ensure_dns_running(w.run_root, STACK_DNS_BINARY, {w.upstream_file, 53});
    }));
  std::set<pid_t> pids;
  int started = 0;
  for (auto& c : calls) {
    const auto info = c.get();
    pids.insert(info.pid);
    started += info.started ? 1 : 0;
  }
  CHECK(started == 1);
  REQUIRE(pids.size() == 1);
  w.server = *pids.begin();
  CHECK(addresses(ask("10.213.7.1", "web", type::A)).size() == 2);
  // A dead server is replaced by the next call.
  ::kill(w.server, SIGKILL);
  REQUIRE(eventually([&] { return process_gone(w.server); }));
  const auto again = ensure_dns_running(w.run_root, STACK_DNS_BINARY, {w.upstream_file, 53});
  CHECK(again.started);
  CHECK(again.pid != w.server);
  w.server = again.pid;
}

TEST_CASE("ensure_dns_running reports a server that cannot start", "[dns]") {
  World w;
  CHECK_THROWS_WITH(ensure_dns_running(w.run_root, "/nonexistent/stack-dns", {w.upstream_file, 53}),
                    Catch::Contains("cannot start stack-dns: cannot execute /nonexistent/stack-dns"));
}
