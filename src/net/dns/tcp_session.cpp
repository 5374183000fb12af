#include "net/dns/tcp_session.hpp"

#include <sys/random.h>

#include <atomic>
#include <thread>

#include "net/dns/responder.hpp"

namespace stack::net::dns {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kIdle{10};

std::vector<uint8_t> forward_tcp(const TcpSessionContext& ctx, std::span<const uint8_t> query) {
  if (ctx.upstreams)
    for (const auto& upstream : *ctx.upstreams)
      if (auto answer = tcp_exchange(upstream, query, kUpstreamTimeout)) {
        if (answer->size() >= 2 && (*answer)[0] == query[0] && (*answer)[1] == query[1]) return std::move(*answer);
      }
  std::vector<uint8_t> out(kMaxUdpPlain);
  out.resize(error_reply(query, Rcode::ServFail, out));
  return out;
}

void serve(UniqueFd connection, TcpSessionContext ctx) {
  uint64_t seed = 0;
  if (::getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed) seed = reinterpret_cast<uintptr_t>(&seed);
  Rng rng(seed);
  std::vector<uint8_t> out(65535);
  const Client client{ctx.client, true};
  for (;;) {
    const auto query = read_tcp_message(connection.get(), Clock::now() + kIdle);
    if (!query) return;
    size_t size = 0;
    const Verdict verdict = respond(ctx.network, client, *query, out, size, rng);
    bool sent = true;
    if (verdict == Verdict::Reply) {
      sent = write_tcp_message(connection.get(), std::span(out).first(size), Clock::now() + kIdle);
    } else if (verdict == Verdict::Forward) {
      sent = write_tcp_message(connection.get(), forward_tcp(ctx, *query), Clock::now() + kIdle);
    }
    if (!sent) return;
  }
}

}  // namespace

void start_tcp_session(UniqueFd connection, TcpSessionContext context) {
  // Process-wide: sessions may outlive the server object while the process exits.
  static std::atomic<int> active{0};
  if (active.load() >= kMaxTcpSessions) return;  // `connection` closes here
  ++active;
  std::thread([fd = std::move(connection), ctx = std::move(context)]() mutable {
    serve(std::move(fd), std::move(ctx));
    --active;
  }).detach();
}

}  // namespace stack::net::dns
