#include "net/dns/udp_forwarder.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>

#include "net/dns/responder.hpp"

namespace stack::net::dns {

namespace {
// Beyond this many queries in flight, new ones get SERVFAIL at once: a flood of
// external names must not exhaust the server's file descriptors.
constexpr size_t kMaxInFlight = 512;
}  // namespace

UdpForwarder::UdpForwarder(int epoll_fd, uint64_t tag, uint64_t seed) : epoll_fd_(epoll_fd), tag_(tag), rng_(seed) {}

void UdpForwarder::forward(std::span<const uint8_t> query, const std::shared_ptr<UniqueFd>& reply_fd,
                           const sockaddr_in& client) {
  Pending p;
  p.query.assign(query.begin(), query.end());
  p.client_id = static_cast<uint16_t>(query[0] << 8 | query[1]);
  const auto id = static_cast<uint16_t>(rng_.next());
  p.query[0] = static_cast<uint8_t>(id >> 8);
  p.query[1] = static_cast<uint8_t>(id);
  p.reply_fd = reply_fd;
  p.client = client;
  if (pending_.size() >= kMaxInFlight || !send_from(p)) return give_up(p);
  const int fd = p.socket.get();
  pending_.emplace(fd, std::move(p));
}

bool UdpForwarder::send_from(Pending& p) {
  const auto& list = upstreams_ ? *upstreams_ : std::vector<Upstream>{};
  for (; p.upstream < list.size(); ++p.upstream) {
    const Upstream& u = list[p.upstream];
    UniqueFd s(::socket(u.address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s) continue;
    if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&u.address), u.length) < 0) continue;
    if (::send(s.get(), p.query.data(), p.query.size(), 0) < 0) continue;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag_ | static_cast<uint32_t>(s.get());
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s.get(), &ev) < 0) continue;
    p.socket = std::move(s);
    p.deadline = Clock::now() + kUpstreamTimeout;
    return true;
  }
  return false;
}

void UdpForwarder::reply(const Pending& p, std::span<const uint8_t> message) {
  ::sendto(p.reply_fd->get(), message.data(), message.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&p.client),
           sizeof p.client);
}

void UdpForwarder::give_up(Pending& p) {
  uint8_t out[kMaxUdpPlain];
  p.query[0] = static_cast<uint8_t>(p.client_id >> 8);
  p.query[1] = static_cast<uint8_t>(p.client_id);
  if (const size_t n = error_reply(p.query, Rcode::ServFail, out)) reply(p, std::span(out, n));
}

void UdpForwarder::retry_or_give_up(int fd) {
  auto node = pending_.extract(fd);
  if (node.empty()) return;
  Pending& p = node.mapped();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  p.socket.reset();
  ++p.upstream;
  if (!send_from(p)) return give_up(p);
  const int next = p.socket.get();
  pending_.emplace(next, std::move(p));
}

void UdpForwarder::on_readable(int fd) {
  auto it = pending_.find(fd);
  if (it == pending_.end()) return;
  Pending& p = it->second;
  uint8_t buffer[65535];
  const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    return retry_or_give_up(fd);  // ECONNREFUSED: nothing listens there
  }
  // Not the answer to our query (wrong id, not a response): keep waiting.
  if (n < static_cast<ssize_t>(kHeaderSize) || buffer[0] != p.query[0] || buffer[1] != p.query[1] ||
      !(buffer[2] & 0x80))
    return;
  buffer[0] = static_cast<uint8_t>(p.client_id >> 8);
  buffer[1] = static_cast<uint8_t>(p.client_id);
  reply(p, std::span(buffer, static_cast<size_t>(n)));
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  pending_.erase(it);
}

void UdpForwarder::expire(Clock::time_point now) {
  std::vector<int> late;
  for (const auto& [fd, p] : pending_)
    if (p.deadline <= now) late.push_back(fd);
  for (const int fd : late) retry_or_give_up(fd);
}

std::optional<Clock::time_point> UdpForwarder::next_deadline() const {
  std::optional<Clock::time_point> soonest;
  for (const auto& [fd, p] : pending_)
    if (!soonest || p.deadline < *soonest) soonest = p.deadline;
  return soonest;
}

}  // namespace stack::net::dns
