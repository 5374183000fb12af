// Networks over the real kernel, each test in a network namespace of its own and state
// roots of its own: real bridges, namespaces and veths; busybox in the namespaces.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/core.h>

#include "net/container_network.hpp"
#include "net/netlink.hpp"
#include "net/network_records.hpp"
#include "net/networks.hpp"
#include "net/private_netns.hpp"
#include "support/shim_container.hpp"

namespace fs = std::filesystem;
using namespace stack::net;

namespace {

// A new temporary directory (initialized as a member, so `root` and `run_root` below see it:
// member initializers run before a constructor's body).
std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "stack-net-it-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern);
  return pattern;
}

struct Roots {
  ~Roots() { fs::remove_all(base); }
  std::string base = make_temp_dir();
  std::string root = base + "/root";
  std::string run_root = base + "/run";

  SandboxRequest container(char c, const std::string& name, const std::string& network) {
    SandboxRequest r;
    r.container_id = std::string(64, c);
    r.container_name = name;
    r.hostname = name;
    r.state_file = root + "/containers/" + r.container_id + "/state.json";
    r.networks = {{.network = network}};
    return r;
  }
};

// Exit status of a command run inside the namespace at `netns` (nsenter, util-linux).
int run_in(const std::string& netns, const std::vector<std::string>& args) {
  std::string command = "nsenter --net=" + netns;
  for (const std::string& a : args) command += " '" + a + "'";
  command += " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool mounted(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);)
    if (line.find(" " + path + " ") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("two sandboxes on one bridge reach each other and teardown leaves nothing", "[net]") {
  Roots roots;
  stack::testing::in_private_netns([&] {
    auto netlink = std::shared_ptr<Netlink>(system_netlink());
    Networks networks(roots.root, roots.run_root, nullptr, netlink);
    const NetworkInfo n = networks.create({.name = "it-net", .ipam = {{"10.213.41.0/24", "", ""}}});
    CHECK(netlink->link_exists(n.bridge));
    const Sandbox a = networks.create_sandbox(roots.container('a', "alpha", "it-net"));
    const Sandbox b = networks.create_sandbox(roots.container('b', "beta", "it-net"));
    CHECK(a.endpoints.at(0).ipv4 == "10.213.41.2");
    CHECK(b.endpoints.at(0).ipv4 == "10.213.41.3");
    CHECK(run_in(a.netns_path, {"busybox", "ping", "-c", "1", "-W", "5", b.endpoints[0].ipv4}) == 0);
    CHECK(run_in(b.netns_path, {"busybox", "ping", "-c", "1", "-W", "5", a.endpoints[0].ipv4}) == 0);
    CHECK(run_in(a.netns_path, {"busybox", "ping", "-c", "1", "-W", "5", n.gateway}) == 0);
    // eth0 with docker's MAC and the uplink's MTU, loopback up, a default route via the gateway.
    CHECK(run_in(a.netns_path, {"sh", "-c", "ip -o link show eth0 | grep -q 'link/ether 02:42:0a:d5:29:02'"}) == 0);
    CHECK(run_in(a.netns_path, {"sh", "-c", "ip route | grep -q 'default via 10.213.41.1 dev eth0'"}) == 0);
    CHECK(run_in(a.netns_path, {"busybox", "ping", "-c", "1", "-W", "5", "127.0.0.1"}) == 0);
    // One queue each way on both ends, asked for at creation (not the per-CPU default the
    // kernel would cut down under the RTNL mutex, waiting for an RCU grace period).
    const std::string one_queue = "grep -q \"numtxqueues 1 numrxqueues 1 \"";
    CHECK(run_in(a.netns_path, {"sh", "-c", "ip -d link show eth0 | " + one_queue}) == 0);
    CHECK(run_in("/proc/self/ns/net", {"sh", "-c", "ip -d link show " + host_veth_name(a.container_id, n.id) + " | " + one_queue}) == 0);

    CHECK_THROWS_WITH(networks.remove("it-net"), Catch::Contains("active endpoints"));
    networks.remove_sandbox(a.container_id);
    networks.remove_sandbox(b.container_id);
    CHECK_FALSE(mounted(a.netns_path));
    CHECK_FALSE(fs::exists(a.netns_path));
    // The kernel destroys the released namespace, and its veths, in the background.
    CHECK(stack::testing::eventually([&] { return !netlink->link_exists(host_veth_name(a.container_id, n.id)); }));
    networks.remove("it-net");
    CHECK_FALSE(netlink->link_exists(n.bridge));
  });
}

TEST_CASE("sandboxes made by several threads at once each get their own address and working veth", "[net]") {
  Roots roots;
  stack::testing::in_private_netns([&] {
    auto netlink = std::shared_ptr<Netlink>(system_netlink());
    Networks networks(roots.root, roots.run_root, nullptr, netlink);
    const NetworkInfo n = networks.create({.name = "it-par", .ipam = {{"10.213.45.0/24", "", ""}}});
    // As an up's service threads do: one Networks, the namespaces and veths made outside
    // its lock, side by side (each netlink call of theirs on a socket of its own).
    constexpr int kCount = 6;
    std::vector<Sandbox> made(kCount);
    std::vector<std::string> failures(kCount);
    {
      std::vector<std::jthread> threads;
      for (int i = 0; i < kCount; ++i)
        threads.emplace_back([&, i] {
          try {
            made[i] = networks.create_sandbox(roots.container(static_cast<char>('a' + i), fmt::format("c{}", i), "it-par"));
          } catch (const std::exception& e) {
            failures[i] = e.what();
          }
        });
    }
    for (const std::string& f : failures) CHECK(f.empty());
    std::vector<std::string> addresses;
    for (const Sandbox& s : made) addresses.push_back(s.endpoints.at(0).ipv4);
    std::sort(addresses.begin(), addresses.end());
    CHECK(std::adjacent_find(addresses.begin(), addresses.end()) == addresses.end());
    for (const Sandbox& s : made) {
      CHECK(run_in(s.netns_path, {"busybox", "ping", "-c", "1", "-W", "5", n.gateway}) == 0);
      CHECK(networks.sandbox(s.container_id)->endpoints.at(0).ipv4 == s.endpoints.at(0).ipv4);
    }
    for (const Sandbox& s : made) networks.remove_sandbox(s.container_id);
    CHECK(stack::testing::eventually([&] { return networks.users("it-par").empty(); }));
    networks.remove("it-par");
    CHECK_FALSE(netlink->link_exists(n.bridge));
  });
}

TEST_CASE("a namespace is made from the calling thread, which ends up back in its own", "[net]") {
  Roots roots;
  stack::testing::in_private_netns([&] {
    auto own = [] {
      struct stat st {};
      REQUIRE(::stat("/proc/thread-self/ns/net", &st) == 0);
      return st.st_ino;
    };
    const ino_t before = own();
    auto netlink = std::shared_ptr<Netlink>(system_netlink());
    fs::create_directories(roots.run_root);
    const std::string path = roots.run_root + "/ns";
    netlink->create_netns(path);
    CHECK(own() == before);
    struct stat made {};
    REQUIRE(::stat(path.c_str(), &made) == 0);
    CHECK(made.st_ino != before);  // the bind mount shows the new namespace's nsfs inode
    CHECK(run_in(path, {"busybox", "ping", "-c", "1", "-W", "5", "127.0.0.1"}) == 0);
    // A bridge made after it is in this thread's namespace, not the new one.
    netlink->ensure_bridge("stk-it-back", "10.213.44.1/24", "", 1500);
    CHECK(netlink->link_exists("stk-it-back"));
    CHECK(run_in(path, {"sh", "-c", "ip link show stk-it-back"}) != 0);
    netlink->delete_link("stk-it-back");
    netlink->delete_netns(path);
    CHECK_FALSE(mounted(path));
  });
}

TEST_CASE("a sandbox whose container directory vanished is swept with its namespace", "[net]") {
  Roots roots;
  stack::testing::in_private_netns([&] {
    auto netlink = std::shared_ptr<Netlink>(system_netlink());
    Networks networks(roots.root, roots.run_root, nullptr, netlink);
    const NetworkInfo n = networks.create({.name = "it-sweep", .ipam = {{"10.213.42.0/24", "", ""}}});
    const Sandbox a = networks.create_sandbox(roots.container('c', "gamma", "it-sweep"));
    fs::remove_all(roots.root + "/containers");
    networks.remove("it-sweep");  // sweeps first, so the network is free
    CHECK_FALSE(mounted(a.netns_path));
    CHECK(stack::testing::eventually([&] { return !netlink->link_exists(host_veth_name(a.container_id, n.id)); }));
    CHECK_FALSE(netlink->link_exists(n.bridge));
  });
}

TEST_CASE("a record whose namespace never came (its stack killed after the record) is removed and swept", "[net]") {
  Roots roots;
  stack::testing::in_private_netns([&] {
    auto netlink = std::shared_ptr<Netlink>(system_netlink());
    Networks networks(roots.root, roots.run_root, nullptr, netlink);
    networks.create({.name = "it-half", .ipam = {{"10.213.46.0/24", "", ""}}});
    // The record is written before the namespace: take the namespace away to leave what a
    // `stack` killed between the two leaves behind.
    const Sandbox a = networks.create_sandbox(roots.container('d', "delta", "it-half"));
    const Sandbox b = networks.create_sandbox(roots.container('e', "epsilon", "it-half"));
    netlink->delete_netns(a.netns_path);
    netlink->delete_netns(b.netns_path);
    networks.remove_sandbox(a.container_id);  // with its container
    CHECK_FALSE(networks.sandbox(a.container_id));
    fs::remove_all(roots.root + "/containers");  // or by the sweep, once the container is gone
    networks.remove("it-half");
    CHECK_FALSE(networks.sandbox(b.container_id));
  });
}

namespace {

// Times create_sandbox over 20 containers attached to `count` networks (made first, on
// 10.213.43+i.0/24) and prints the median, for bench/net_attach.sh.
void time_sandboxes(int count) {
  Roots roots;
  stack::testing::in_private_netns([&] {
    Networks networks(roots.root, roots.run_root, nullptr, std::shared_ptr<Netlink>(system_netlink()));
    std::vector<Attachment> attachments;
    for (int n = 0; n < count; ++n) {
      const std::string name = "it-bench" + std::to_string(n);
      networks.create({.name = name, .ipam = {{"10.213." + std::to_string(43 + n) + ".0/24", "", ""}}});
      attachments.push_back({.network = name});
    }
    std::vector<double> ms;
    for (int i = 0; i < 20; ++i) {
      const char c = "0123456789abcdef"[i % 16];
      SandboxRequest r = roots.container(c, "bench" + std::to_string(i), "it-bench0");
      // Distinct first 7 hex: the host veth is named from them, and a removed sandbox's
      // veths go with its namespace in the background, maybe after the next create.
      r.container_id = fmt::format("{:07x}", 0xbe00 + i) + std::string(57, c);
      r.networks = attachments;
      const auto start = std::chrono::steady_clock::now();
      networks.create_sandbox(r);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      networks.remove_sandbox(r.container_id);
    }
    std::sort(ms.begin(), ms.end());
    const double median = (ms[9] + ms[10]) / 2;
    std::printf("create_sandbox with %d network(s): median %.2f ms of 20 (min %.2f, max %.2f)\n", count, median,
                ms.front(), ms.back());
    CHECK(median > 0);
    for (int n = 0; n < count; ++n) networks.remove("it-bench" + std::to_string(n));
  });
}

}  // namespace

TEST_CASE("create_sandbox time with one network and with three", "[.][net-bench]") {
  time_sandboxes(1);
  time_sandboxes(3);
}
