#include "dns/dns_harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "net/dns/upstream.hpp"

namespace stack::testing {

namespace dns = net::dns;

namespace {

void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

void set_flags_up(int fd, const char* name) {
  ifreq req{};
  std::strncpy(req.ifr_name, name, IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFFLAGS, &req) < 0) fail(std::string("get flags of ") + name);
  req.ifr_flags |= IFF_UP;
  if (::ioctl(fd, SIOCSIFFLAGS, &req) < 0) fail(std::string("bring up ") + name);
}

// An extra address on lo as an old-style alias ("lo:1"): no netlink needed.
void add_alias(int fd, int index, const std::string& cidr) {
  const size_t slash = cidr.find('/');
  const std::string address = cidr.substr(0, slash);
  const int prefix = std::stoi(cidr.substr(slash + 1));
  const std::string label = "lo:" + std::to_string(index);
  ifreq req{};
  std::strncpy(req.ifr_name, label.c_str(), IFNAMSIZ - 1);
  auto* sin = reinterpret_cast<sockaddr_in*>(&req.ifr_addr);
  sin->sin_family = AF_INET;
  ::inet_pton(AF_INET, address.c_str(), &sin->sin_addr);
  if (::ioctl(fd, SIOCSIFADDR, &req) < 0) fail("add " + cidr + " to lo");
  sin->sin_addr.s_addr = htonl(prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix));
  if (::ioctl(fd, SIOCSIFNETMASK, &req) < 0) fail("set the netmask of " + cidr);
}

sockaddr_in address53(const std::string& address) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(53);
  if (::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1) throw std::runtime_error("bad address " + address);
  return a;
}

UniqueFd bound(const std::string& address, int type) {
  UniqueFd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  const int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const sockaddr_in a = address53(address);
  if (!fd || ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0) fail("bind " + address + ":53");
  if (type == SOCK_STREAM && ::listen(fd.get(), 16) < 0) fail("listen");
  return fd;
}

std::vector<uint8_t> upstream_answer(std::span<const uint8_t> query) {
  auto q = dns::parse_message(query);
  if (!q || q->questions.size() != 1) return {};
  dns::Message r;
  r.header.id = q->header.id;
  r.header.flags = dns::flag::QR | dns::flag::RA | (q->header.flags & dns::flag::RD);
  r.questions = q->questions;
  if (dns::names_equal(q->questions[0].name, "external.test") && q->questions[0].type == dns::type::A)
    r.answers.push_back({q->questions[0].name, dns::type::A, dns::kClassIn, 60, {192, 0, 2, 7}, ""});
  else
    r.header.flags |= static_cast<uint16_t>(dns::Rcode::NxDomain);
  return dns::serialize(r);
}

}  // namespace

PrivateNetns::PrivateNetns(const std::vector<std::string>& addresses)
    : original_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
  if (!original_) fail("open the current network namespace");
  if (::unshare(CLONE_NEWNET) < 0) fail("unshare(CLONE_NEWNET)");
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  set_flags_up(s.get(), "lo");
  for (size_t i = 0; i < addresses.size(); ++i) add_alias(s.get(), static_cast<int>(i) + 1, addresses[i]);
}

PrivateNetns::~PrivateNetns() { ::setns(original_.get(), CLONE_NEWNET); }

FakeUpstream::FakeUpstream(const std::string& address)
    : udp_(bound(address, SOCK_DGRAM)), tcp_(bound(address, SOCK_STREAM)), stop_(::eventfd(0, EFD_CLOEXEC)) {
  thread_ = std::thread([this] { serve(); });
}

FakeUpstream::~FakeUpstream() {
  const uint64_t one = 1;
  (void)!::write(stop_.get(), &one, sizeof one);
  thread_.join();
}

void FakeUpstream::serve() {
  for (;;) {
    pollfd fds[3] = {{udp_.get(), POLLIN, 0}, {tcp_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) continue;
    if (fds[2].revents) return;
    if (fds[0].revents) {
      uint8_t buffer[2048];
      sockaddr_in peer{};
      socklen_t len = sizeof peer;
      const ssize_t n = ::recvfrom(udp_.get(), buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &len);
      if (n > 0) {
        ++queries_;
        const auto answer = upstream_answer(std::span(buffer, static_cast<size_t>(n)));
        ::sendto(udp_.get(), answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&peer), len);
      }
    }
    if (fds[1].revents) {
      UniqueFd conn(::accept4(tcp_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      if (auto query = dns::read_tcp_message(conn.get(), deadline)) {
        ++queries_;
        dns::write_tcp_message(conn.get(), upstream_answer(*query), deadline);
      }
    }
  }
}

std::optional<dns::Message> ask(const std::string& server, const std::string& name, uint16_t qtype, bool tcp,
                                std::chrono::milliseconds timeout) {
  static uint16_t next_id = 100;
  dns::Message q;
  q.header.id = ++next_id;
  q.header.flags = dns::flag::RD;
  q.questions.push_back({name, qtype, dns::kClassIn});
  const auto bytes = dns::serialize(q);
  const sockaddr_in to = address53(server);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<std::vector<uint8_t>> reply;
  if (tcp) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) return std::nullopt;
    if (!dns::write_tcp_message(fd.get(), bytes, deadline)) return std::nullopt;
    reply = dns::read_tcp_message(fd.get(), deadline);
  } else {
    UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) return std::nullopt;
    if (::send(fd.get(), bytes.data(), bytes.size(), 0) < 0) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    std::vector<uint8_t> buffer(65535);
    const ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (n <= 0) return std::nullopt;
    buffer.resize(static_cast<size_t>(n));
    reply = std::move(buffer);
  }
  if (!reply) return std::nullopt;
  auto m = dns::parse_message(*reply);
  if (!m || m->header.id != q.header.id) return std::nullopt;
  return m;
}

}  // namespace stack::testing
