// The stack-dns event loop: one UDP and one TCP socket per network gateway, queries
// answered from the current table (responder.hpp), others forwarded (udp_forwarder.hpp,
// tcp_session.hpp), the table rebuilt when the records change (record_watch.hpp), and
// an orderly exit once no network is left.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"
#include "net/dns/name_table.hpp"
#include "net/dns/record_watch.hpp"
#include "net/dns/shuffle.hpp"
#include "net/dns/udp_forwarder.hpp"
#include "net/dns/upstream.hpp"

namespace stack::net::dns {

struct ServerOptions {
  std::string run_root;
  std::string upstream_file;  // empty: the host's resolvers (host_upstreams)
  uint16_t port = 53;
};

class Server {
 public:
  // Loads the records and binds every gateway; throws stack::Error on failure.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until SIGTERM/SIGINT, or until no network record remains.
  void run();

 private:
  struct Listener {
    uint32_t gateway = 0;  // host order
    std::shared_ptr<UniqueFd> udp;
    UniqueFd tcp;
    const NetworkTable* network = nullptr;  // in table_, refreshed on every swap
  };

  void reload();
  void rebind();
  bool nothing_left();
  void serve_udp(Listener& listener);
  void accept_tcp(Listener& listener);
  void watch(int fd, uint64_t tag);
  int wait_timeout_ms() const;
  Listener* listener_by_fd(int fd, bool tcp);

  ServerOptions options_;
  UniqueFd epoll_;
  UniqueFd signals_;
  std::shared_ptr<const Table> table_;
  std::shared_ptr<const std::vector<Upstream>> upstreams_;
  std::unique_ptr<RecordWatch> watch_;
  std::unique_ptr<UdpForwarder> forwarder_;
  std::map<uint32_t, Listener> listeners_;  // by gateway
  std::optional<Clock::time_point> reload_at_;
  Rng rng_;
};

}  // namespace stack::net::dns
