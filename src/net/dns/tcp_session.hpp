// One TCP client connection, served on a thread of its own with blocking I/O and
// deadlines: TCP is rare (truncated answers, zone-sized replies), and a thread keeps
// its slow upstream exchanges out of the UDP event loop. The session answers from the
// table snapshot it was given, so a reload never changes a table under it.
#pragma once

#include <memory>
#include <vector>

#include "base/unique_fd.hpp"
#include "net/dns/name_table.hpp"
#include "net/dns/upstream.hpp"

namespace stack::net::dns {

struct TcpSessionContext {
  std::shared_ptr<const Table> table;
  const NetworkTable* network = nullptr;  // inside `table`; nullptr: refused
  std::shared_ptr<const std::vector<Upstream>> upstreams;
  uint32_t client = 0;  // IPv4, host order
};

// Most sessions at once; a connection beyond is closed at once.
constexpr int kMaxTcpSessions = 64;

// Starts a detached thread serving `connection` until the client closes it or stays
// idle for 10 s.
void start_tcp_session(UniqueFd connection, TcpSessionContext context);

}  // namespace stack::net::dns
