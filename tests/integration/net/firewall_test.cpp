// The nftables firewall against the kernel, entirely inside a private network namespace
// of the test thread (PrivateNetns): a bridge with a "container" (another namespace,
// joined by a veth, running busybox nc), an optional "other host" (a third namespace
// routed through ours), and Docker's filter table with FORWARD policy DROP when asked.
// The host's own ruleset is never touched; every namespace dies with its process.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "dns/dns_harness.hpp"
#include "net/firewall.hpp"
#include "net/firewall_port_spec.hpp"
#include "net/nft_firewall.hpp"
#include "support/test_process.hpp"

namespace fs = std::filesystem;
using namespace stack::net;
using stack::UniqueFd;
using stack::testing::eventually;
using stack::testing::PrivateNetns;
using stack::testing::TestProcess;

namespace {

constexpr const char* kBusybox = "/bin/busybox";
const std::string kOwner = "fwtest0123456789";

// Runs a command (searched in PATH) in the calling thread's namespaces; its exit code.
int run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void sh(const std::string& command) { REQUIRE(run({"/bin/sh", "-c", command}) == 0); }

// A process in a network namespace of its own (sleeping, until stopped by its pid).
struct Namespace {
  Namespace() : holder({"/usr/bin/unshare", "--net", kBusybox, "sleep", "3600"}, -1, "") {
    const auto own = fs::read_symlink("/proc/thread-self/ns/net");
    const std::string mine = "/proc/" + std::to_string(holder.pid()) + "/ns/net";
    REQUIRE(eventually([&] {
      std::error_code ec;
      const auto ns = fs::read_symlink(mine, ec);
      return !ec && ns != own;
    }));
  }
  std::string in(const std::string& command) const {
    return "nsenter -t " + std::to_string(holder.pid()) + " -n sh -c '" + command + "'";
  }
  // A veth `outside` in our namespace, eth0 with `address` inside, default route via `gateway`.
  void link(const std::string& outside, const std::string& address, const std::string& gateway) const {
    sh("ip link add " + outside + " type veth peer name eth0 netns " + std::to_string(holder.pid()));
    sh(in("ip link set lo up && ip addr add " + address + " dev eth0 && ip link set eth0 up && ip route add default via " +
          gateway));
  }
  TestProcess holder;
};

sockaddr_in address(const std::string& ip, int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  return a;
}

// One connection to address:port; what the server said, "" when nothing came.
std::string fetch(const std::string& ip, int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  const sockaddr_in a = address(ip, port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0 && errno != EINPROGRESS) return "";
  std::string text;
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) return text;
    char buffer[256];
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n <= 0) return text;
    text.append(buffer, static_cast<size_t>(n));
  }
}

bool answers(const std::string& ip, int port) {
  return eventually([&] { return fetch(ip, port) == "hello\n"; });
}

// A UDP socket bound to ip:port inside the namespace of `pid` (it stays there after the
// calling thread returns to its own).
UniqueFd udp_socket_in(pid_t pid, const std::string& ip, int port) {
  UniqueFd own(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  UniqueFd target(::open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(::setns(target.get(), CLONE_NEWNET) == 0);
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in a = address(ip, port);
  const int rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a);
  REQUIRE(::setns(own.get(), CLONE_NEWNET) == 0);
  REQUIRE(rc == 0);
  return fd;
}

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 200) == 1;
}

// Sends "ping" to ip:port from a new socket; `server` answers "pong" to whoever it saw.
bool udp_round_trip(int server, const std::string& ip, int port) {
  UniqueFd client(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in to = address(ip, port);
  if (::sendto(client.get(), "ping", 4, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 4) return false;
  if (!readable(server)) return false;
  char buffer[16];
  sockaddr_in from{};
  socklen_t length = sizeof from;
  if (::recvfrom(server, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length) != 4) return false;
  ::sendto(server, "pong", 4, 0, reinterpret_cast<const sockaddr*>(&from), length);
  return readable(client.get()) && ::recv(client.get(), buffer, sizeof buffer, 0) == 4 &&
         std::string(buffer, 4) == "pong";
}

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "stack-fwit-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

// Our namespace: 10.213.90.1 is "the host's own address"; bridge stkfw0 10.213.91.1/24
// with the container at 10.213.91.2 serving "hello" on port 80.
struct Setup {
  Setup() {
    REQUIRE(::geteuid() == 0);
    sh("ip link add stkfw0 type bridge && ip addr add 10.213.91.1/24 dev stkfw0 && ip link set stkfw0 up");
    container.link("vfw0", "10.213.91.2/24", "10.213.91.1");
    sh("ip link set vfw0 master stkfw0 up");
    server = TestProcess({"/usr/bin/nsenter", "-t", std::to_string(container.holder.pid()), "-n", kBusybox, "nc", "-ll",
                          "-p", "80", "-e", kBusybox, "echo", "hello"},
                         -1, "");
  }
  ~Setup() { firewall.reset(); }  // its netlink socket lives in our namespace

  bool table_exists() {
    return run({"/bin/sh", "-c", "nft list table ip " + firewall_table_name(roots.path) + " >/dev/null 2>&1"}) == 0;
  }

  PrivateNetns netns{{"10.213.90.1/32"}};
  TempDir roots;
  std::vector<std::string> notices;
  std::unique_ptr<Firewall> firewall =
      make_firewall(roots.path, [this](const std::string& text) { notices.push_back(text); });
  Namespace container;
  TestProcess server;
};

}  // namespace

TEST_CASE("a published port answers on 127.0.0.1 and the host's own address and remove leaves no rule",
          "[firewall]") {
  Setup s;
  s.firewall->add_network({"fwtest_default", "stkfw0", "10.213.91.0/24", false});
  // A new namespace inherits init_net's IPv4 settings: forwarding may already be on
  // (another stack network on this host turned it on), and then nothing is announced.
  REQUIRE(s.notices.size() <= 1);
  if (!s.notices.empty()) CHECK_THAT(s.notices[0], Catch::Contains("net.ipv4.ip_forward set to 1"));
  CHECK(stack::base::read_file("/proc/sys/net/ipv4/ip_forward") == "1\n");
  const auto ports = s.firewall->publish(kOwner, "10.213.91.2", "stkfw0", {parse_port_spec("18080:80"), parse_port_spec("80")});
  REQUIRE(ports.size() == 2);
  CHECK(ports[1].host_port >= 1024);

  CHECK(answers("127.0.0.1", 18080));
  CHECK(answers("10.213.90.1", 18080));
  CHECK(answers("127.0.0.1", ports[1].host_port));
  CHECK(s.firewall->published(kOwner) == ports);

  s.firewall->unpublish(kOwner);
  CHECK(fetch("127.0.0.1", 18080).empty());
  s.firewall->remove_network("stkfw0");
  CHECK_FALSE(s.table_exists());
}

TEST_CASE("a host port in use by a process is refused and nothing is published", "[firewall]") {
  Setup s;
  s.firewall->add_network({"fwtest_default", "stkfw0", "10.213.91.0/24", false});
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in a = address("0.0.0.0", 18081);
  REQUIRE(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(listener.get(), 1) == 0);
  CHECK_THROWS_WITH(s.firewall->publish(kOwner, "10.213.91.2", "stkfw0", {parse_port_spec("18081:80")}),
                    Catch::Contains("0.0.0.0:18081/tcp is already in use"));
  CHECK(s.firewall->published(kOwner).empty());
  CHECK_THROWS_WITH(s.firewall->publish(kOwner, "10.213.91.2", "stkfw0", {parse_port_spec("10.213.99.9:18082:80")}),
                    Catch::Contains("10.213.99.9 is not an address of this host"));
  s.firewall->remove_network("stkfw0");
  CHECK_FALSE(s.table_exists());
}

TEST_CASE("another host reaches a published port through Docker's FORWARD policy drop", "[firewall]") {
  Setup s;
  // Docker's filter table as iptables-nft leaves it, in our namespace only.
  sh("nft 'add table ip filter; add chain ip filter FORWARD { type filter hook forward priority filter; policy drop; }; "
     "add chain ip filter DOCKER-USER; add rule ip filter FORWARD jump DOCKER-USER'");
  Namespace other;
  other.link("vfwo0", "10.213.92.2/24", "10.213.92.1");
  sh("ip addr add 10.213.92.1/24 dev vfwo0 && ip link set vfwo0 up");
  s.firewall->add_network({"fwtest_default", "stkfw0", "10.213.91.0/24", false});
  s.firewall->publish(kOwner, "10.213.91.2", "stkfw0", {parse_port_spec("18083:80")});

  const std::string client = other.in("busybox nc 10.213.92.1 18083 </dev/null | grep -q hello");
  CHECK(eventually([&] { return run({"/bin/sh", "-c", client}) == 0; }));
  // The container reaches the other host too (forwarded out of the bridge).
  TestProcess other_server({"/usr/bin/nsenter", "-t", std::to_string(other.holder.pid()), "-n", kBusybox, "nc", "-ll",
                            "-p", "81", "-e", kBusybox, "echo", "hello"},
                           -1, "");
  const std::string outbound = s.container.in("busybox nc 10.213.92.2 81 </dev/null | grep -q hello");
  CHECK(eventually([&] { return run({"/bin/sh", "-c", outbound}) == 0; }));

  s.firewall->remove_network("stkfw0");
  CHECK_FALSE(s.table_exists());
  CHECK(run({"/bin/sh", "-c", "nft list chain ip filter DOCKER-USER | grep -q stkfw0"}) == 1);
}

TEST_CASE("a published udp port answers on 127.0.0.1 and the host's own address", "[firewall]") {
  Setup s;
  s.firewall->add_network({"fwtest_default", "stkfw0", "10.213.91.0/24", false});
  const UniqueFd server = udp_socket_in(s.container.holder.pid(), "10.213.91.2", 5353);
  s.firewall->publish(kOwner, "10.213.91.2", "stkfw0", {parse_port_spec("15353:5353/udp")});
  CHECK(eventually([&] { return udp_round_trip(server.get(), "127.0.0.1", 15353); }));
  CHECK(eventually([&] { return udp_round_trip(server.get(), "10.213.90.1", 15353); }));
  s.firewall->remove_network("stkfw0");
  CHECK_FALSE(s.table_exists());
}

TEST_CASE("containers of two stack networks reach each other only through published ports", "[firewall]") {
  Setup s;
  sh("ip link add stkfw1 type bridge && ip addr add 10.213.93.1/24 dev stkfw1 && ip link set stkfw1 up");
  Namespace second;
  second.link("vfw1", "10.213.93.2/24", "10.213.93.1");
  sh("ip link set vfw1 master stkfw1 up");
  s.firewall->add_network({"fwtest_default", "stkfw0", "10.213.91.0/24", false});
  s.firewall->add_network({"fwtest_back", "stkfw1", "10.213.93.0/24", false});
  s.firewall->publish(kOwner, "10.213.91.2", "stkfw0", {parse_port_spec("18084:80")});

  const std::string published = second.in("busybox nc 10.213.90.1 18084 </dev/null | grep -q hello");
  CHECK(eventually([&] { return run({"/bin/sh", "-c", published}) == 0; }));
  CHECK(run({"/bin/sh", "-c", second.in("busybox nc -w 1 10.213.91.2 80 </dev/null 2>/dev/null | grep -q hello")}) != 0);
  s.firewall->remove_network("stkfw1");  // no isolation once it is no stack network
  const std::string direct = second.in("busybox nc -w 1 10.213.91.2 80 </dev/null | grep -q hello");
  CHECK(eventually([&] { return run({"/bin/sh", "-c", direct}) == 0; }));
  s.firewall->remove_network("stkfw0");
  CHECK_FALSE(s.table_exists());
}

TEST_CASE("a container of an internal network reaches nothing outside its bridge", "[firewall]") {
  Setup s;
  Namespace other;
  other.link("vfwo0", "10.213.92.2/24", "10.213.92.1");
  sh("ip addr add 10.213.92.1/24 dev vfwo0 && ip link set vfwo0 up");
  TestProcess other_server({"/usr/bin/nsenter", "-t", std::to_string(other.holder.pid()), "-n", kBusybox, "nc", "-ll",
                            "-p", "81", "-e", kBusybox, "echo", "hello"},
                           -1, "");
  REQUIRE(answers("10.213.92.2", 81));  // the other host serves (so a refusal below is the firewall's)
  s.firewall->add_network({"fwtest_back", "stkfw0", "10.213.91.0/24", true});
  CHECK(run({"/bin/sh", "-c", s.container.in("busybox nc -w 1 10.213.92.2 81 </dev/null 2>/dev/null | grep -q hello")}) != 0);
  s.firewall->add_network({"fwtest_back", "stkfw0", "10.213.91.0/24", false});  // the same bridge, not internal
  const std::string outbound = s.container.in("busybox nc -w 1 10.213.92.2 81 </dev/null 2>/dev/null | grep -q hello");
  CHECK(eventually([&] { return run({"/bin/sh", "-c", outbound}) == 0; }));
  s.firewall->remove_network("stkfw0");
  CHECK_FALSE(s.table_exists());
}
