#include "net/dns/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "base/file_lock.hpp"
#include "base/syscall_error.hpp"
#include "net/dns/launcher.hpp"
#include "net/dns/responder.hpp"
#include "net/dns/tcp_session.hpp"

namespace stack::net::dns {

namespace {

// Event tags: the top byte of epoll_event.data.u64, the fd in the low 32 bits.
constexpr uint64_t kTagUdp = 1ull << 56, kTagTcp = 2ull << 56, kTagUpstream = 3ull << 56, kTagWatch = 4ull << 56,
                   kTagSignal = 5ull << 56, kTagMask = 0xFFull << 56;
// Records change in bursts (a network and its containers): one rebuild per burst.
constexpr std::chrono::milliseconds kDebounce{20};
constexpr size_t kBatch = 32;
constexpr size_t kPacket = 1500;  // queries are small; a larger one arrives truncated and gets FORMERR

uint64_t random_seed() {
  uint64_t seed = 0;
  if (::getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed)
    seed = static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  return seed;
}

sockaddr_in gateway_address(uint32_t gateway, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(gateway);
  return a;
}

std::string gateway_text(uint32_t gateway) {
  const Ipv4 a{static_cast<uint8_t>(gateway >> 24), static_cast<uint8_t>(gateway >> 16),
               static_cast<uint8_t>(gateway >> 8), static_cast<uint8_t>(gateway)};
  return format_ipv4(a);
}

// A socket bound to the gateway even before its bridge has the address (IP_FREEBIND):
// the network's records may come a moment before the bridge.
UniqueFd bind_gateway(uint32_t gateway, uint16_t port, int type) {
  const char* what = type == SOCK_DGRAM ? "udp" : "tcp";
  UniqueFd fd(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw syscall_error(std::string("create a ") + what + " socket for " + gateway_text(gateway));
  const int on = 1;
  ::setsockopt(fd.get(), SOL_IP, IP_FREEBIND, &on, sizeof on);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const sockaddr_in a = gateway_address(gateway, port);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0)
    throw syscall_error(std::string("bind ") + what + " " + gateway_text(gateway) + ":" + std::to_string(port));
  if (type == SOCK_STREAM && ::listen(fd.get(), 64) < 0)
    throw syscall_error("listen on tcp " + gateway_text(gateway) + ":" + std::to_string(port));
  return fd;
}

UniqueFd termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  UniqueFd fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) throw syscall_error("create a signalfd");
  return fd;
}

}  // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)), epoll_(::epoll_create1(EPOLL_CLOEXEC)), rng_(random_seed()) {
  if (!epoll_) throw syscall_error("create an epoll instance");
  std::error_code ec;
  std::filesystem::create_directories(networks_dir(options_.run_root), ec);
  if (ec) throw Error("cannot create " + networks_dir(options_.run_root) + ": " + ec.message());
  signals_ = termination_signals();
  watch(signals_.get(), kTagSignal);
  forwarder_ = std::make_unique<UdpForwarder>(epoll_.get(), kTagUpstream, random_seed());
  reload();
}

Server::~Server() = default;

void Server::watch(int fd, uint64_t tag) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag | static_cast<uint32_t>(fd);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) < 0) throw syscall_error("add a socket to epoll");
}

void Server::reload() {
  std::vector<std::string> problems;
  // Watch first, then read: a change made during the read still wakes us (the state
  // directories known so far included; a container new in this read was created a
  // moment ago and its next transition is seen by the watch made below).
  auto first_watch = std::make_unique<RecordWatch>(networks_dir(options_.run_root),
                                                   table_ ? table_->state_dirs : std::vector<std::string>{});
  auto records = load_records(options_.run_root, problems);
  for (const auto& p : problems) std::fprintf(stderr, "stack-dns: skipped a record: %s\n", p.c_str());
  auto table = std::make_shared<const Table>(build_table(records, container_is_live));
  auto next_watch = std::make_unique<RecordWatch>(networks_dir(options_.run_root), table->state_dirs);
  // Any change between the two watches was seen by the first one: read again soon.
  if (first_watch->drain()) reload_at_ = Clock::now() + kDebounce;
  if (watch_) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, watch_->fd(), nullptr);
  watch_ = std::move(next_watch);
  watch(watch_->fd(), kTagWatch);
  table_ = std::move(table);
  upstreams_ = std::make_shared<const std::vector<Upstream>>(host_upstreams(options_.upstream_file));
  forwarder_->set_upstreams(upstreams_);
  rebind();
}

// Opens sockets for new gateways, closes those of networks that went, and points every
// listener at its network in the new table.
void Server::rebind() {
  std::map<uint32_t, const NetworkTable*> wanted;
  for (const auto& n : table_->networks) wanted.emplace(n.gateway, &n);
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.udp->get(), nullptr);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.tcp.get(), nullptr);
    it = listeners_.erase(it);
  }
  for (const auto& [gateway, network] : wanted) {
    auto it = listeners_.find(gateway);
    if (it == listeners_.end()) {
      Listener l;
      l.gateway = gateway;
      try {
        l.udp = std::make_shared<UniqueFd>(bind_gateway(gateway, options_.port, SOCK_DGRAM));
        l.tcp = bind_gateway(gateway, options_.port, SOCK_STREAM);
      } catch (const Error& e) {
        // One network's address in use must not take DNS away from the others.
        std::fprintf(stderr, "stack-dns: network %s: %s\n", network->name.c_str(), e.what());
        continue;
      }
      watch(l.udp->get(), kTagUdp);
      watch(l.tcp.get(), kTagTcp);
      it = listeners_.emplace(gateway, std::move(l)).first;
    }
    it->second.network = network;
  }
}

Server::Listener* Server::listener_by_fd(int fd, bool tcp) {
  for (auto& [gateway, l] : listeners_)
    if ((tcp ? l.tcp.get() : l.udp->get()) == fd) return &l;
  return nullptr;
}

void Server::serve_udp(Listener& l) {
  // Static: 96 KiB of buffers that must not live on the stack or be allocated per call.
  static std::array<std::array<uint8_t, kPacket>, kBatch> in;
  static std::array<std::array<uint8_t, kMaxUdpPlain + 720>, kBatch> out;  // room for kEdnsPayload
  static_assert(kMaxUdpPlain + 720 == kEdnsPayload);
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> peers{};
  for (size_t i = 0; i < kBatch; ++i) {
    iov[i] = {in[i].data(), in[i].size()};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &peers[i];
    msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
  }
  const int n = ::recvmmsg(l.udp->get(), msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return;
  std::array<mmsghdr, kBatch> replies{};
  std::array<iovec, kBatch> reply_iov{};
  unsigned count = 0;
  for (int i = 0; i < n; ++i) {
    if (msgs[i].msg_hdr.msg_namelen != sizeof(sockaddr_in) || peers[i].sin_family != AF_INET) continue;
    const Client client{ntohl(peers[i].sin_addr.s_addr), false};
    size_t size = 0;
    const std::span<const uint8_t> query(in[i].data(), msgs[i].msg_len);
    switch (respond(l.network, client, query, out[count], size, rng_)) {
      case Verdict::Reply:
        reply_iov[count] = {out[count].data(), size};
        replies[count].msg_hdr.msg_iov = &reply_iov[count];
        replies[count].msg_hdr.msg_iovlen = 1;
        replies[count].msg_hdr.msg_name = &peers[i];
        replies[count].msg_hdr.msg_namelen = sizeof(sockaddr_in);
        ++count;
        break;
      case Verdict::Forward:
        forwarder_->forward(query, l.udp, peers[i]);
        break;
      case Verdict::Drop:
        break;
    }
  }
  for (unsigned sent = 0; sent < count;) {
    const int k = ::sendmmsg(l.udp->get(), replies.data() + sent, count - sent, MSG_DONTWAIT);
    if (k <= 0) break;  // a full send buffer: the client will retry
    sent += static_cast<unsigned>(k);
  }
}

void Server::accept_tcp(Listener& l) {
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  UniqueFd conn(::accept4(l.tcp.get(), reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC));
  if (!conn) return;
  start_tcp_session(std::move(conn), TcpSessionContext{table_, l.network, upstreams_, ntohl(peer.sin_addr.s_addr)});
}

// No network left: confirm it under the lifecycle lock, which ensure_dns_running holds
// while it decides whether to start a server. A network published before that caller
// took the lock is seen here, so no caller is left believing a dying server serves it.
bool Server::nothing_left() {
  if (!table_->networks.empty()) return false;
  base::FileLock lifecycle(lifecycle_lock_path(options_.run_root), base::FileLock::Mode::Exclusive);
  std::vector<std::string> problems;
  if (!load_records(options_.run_root, problems).empty()) {
    reload_at_ = Clock::now();
    return false;
  }
  // Exiting with the lock held: the kernel releases it (and the server lock) together.
  std::fprintf(stderr, "stack-dns: no network left, exiting\n");
  std::fflush(stderr);
  ::_exit(0);
}

int Server::wait_timeout_ms() const {
  std::optional<Clock::time_point> next = reload_at_;
  if (auto f = forwarder_->next_deadline(); f && (!next || *f < *next)) next = f;
  if (!next) return -1;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left) + 1;
}

void Server::run() {
  std::array<epoll_event, 64> events;
  for (;;) {
    if (nothing_left()) return;
    const int n = ::epoll_wait(epoll_.get(), events.data(), events.size(), wait_timeout_ms());
    if (n < 0 && errno != EINTR) throw syscall_error("epoll_wait");
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64 & kTagMask;
      const int fd = static_cast<int>(events[i].data.u64 & 0xFFFFFFFF);
      if (tag == kTagUdp) {
        if (Listener* l = listener_by_fd(fd, false)) serve_udp(*l);
      } else if (tag == kTagTcp) {
        if (Listener* l = listener_by_fd(fd, true)) accept_tcp(*l);
      } else if (tag == kTagUpstream) {
        forwarder_->on_readable(fd);
      } else if (tag == kTagWatch) {
        if (watch_ && fd == watch_->fd() && watch_->drain() && !reload_at_) reload_at_ = Clock::now() + kDebounce;
      } else if (tag == kTagSignal) {
        return;
      }
    }
    const auto now = Clock::now();
    forwarder_->expire(now);
    if (reload_at_ && *reload_at_ <= now) {
      reload_at_.reset();
      reload();
    }
  }
}

}  // namespace stack::net::dns
