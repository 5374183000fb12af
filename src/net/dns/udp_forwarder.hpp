// Forwarding of UDP queries that are not ours, inside the server's event loop: one
// connected socket per query in flight (a fresh source port and a fresh id each, so a
// spoofed answer must guess both), a timeout per upstream, the next upstream on
// timeout or refusal, SERVFAIL to the client when every upstream failed. A truncated
// upstream answer is relayed as is: the client then asks again over TCP, which the TCP
// sessions forward over TCP.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "base/unique_fd.hpp"
#include "net/dns/shuffle.hpp"
#include "net/dns/upstream.hpp"

namespace stack::net::dns {

using Clock = std::chrono::steady_clock;

class UdpForwarder {
 public:
  // Sockets are added to `epoll_fd` with `tag | fd` as their event data.
  UdpForwarder(int epoll_fd, uint64_t tag, uint64_t seed);

  void set_upstreams(std::shared_ptr<const std::vector<Upstream>> upstreams) { upstreams_ = std::move(upstreams); }
  // Starts forwarding `query` that `client` sent to the socket `reply_fd`.
  void forward(std::span<const uint8_t> query, const std::shared_ptr<UniqueFd>& reply_fd, const sockaddr_in& client);
  // An upstream socket is readable.
  void on_readable(int fd);
  // Moves every query whose upstream timed out to its next upstream (or SERVFAIL).
  void expire(Clock::time_point now);
  std::optional<Clock::time_point> next_deadline() const;
  size_t in_flight() const { return pending_.size(); }

 private:
  struct Pending {
    UniqueFd socket;
    std::vector<uint8_t> query;  // with our id
    uint16_t client_id = 0;
    std::shared_ptr<UniqueFd> reply_fd;
    sockaddr_in client{};
    size_t upstream = 0;  // index of the upstream being tried
    Clock::time_point deadline;
  };

  // Sends to upstreams from p.upstream on; false when none accepted the query.
  bool send_from(Pending& p);
  void give_up(Pending& p);  // SERVFAIL to the client
  void retry_or_give_up(int fd);
  void reply(const Pending& p, std::span<const uint8_t> message);

  int epoll_fd_;
  uint64_t tag_;
  Rng rng_;
  std::shared_ptr<const std::vector<Upstream>> upstreams_;
  std::unordered_map<int, Pending> pending_;
};

}  // namespace stack::net::dns
