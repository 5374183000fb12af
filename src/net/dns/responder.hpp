// What the server does with one query: answer it from the table (A, AAAA, PTR of the
// network it arrived on), refuse it, or hand it to the forwarder. Pure: no sockets, no
// allocation, so that it is the hot path and is unit-tested as is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "net/dns/name_table.hpp"
#include "net/dns/shuffle.hpp"
#include "net/dns/wire.hpp"

namespace stack::net::dns {

// TTL of local answers: short, because a container that stops must drop out of the
// answers at once, and clients that cache would keep sending traffic to it.
constexpr uint32_t kLocalTtl = 5;
// The UDP payload size we advertise and accept with EDNS (the 2020 DNS flag day value:
// no IP fragmentation on any common path).
constexpr uint16_t kEdnsPayload = 1232;

enum class Verdict {
  Reply,    // `out` holds the reply
  Forward,  // not ours: send the query upstream unchanged
  Drop,     // not a query we can answer at all (too short, or a response): ignore it
};

struct Client {
  uint32_t address = 0;  // IPv4, host order
  bool tcp = false;      // TCP replies are not limited to the UDP payload size
};

// `network` is the network whose gateway the query arrived at (nullptr: none, refused).
// On Reply, `out_size` is the reply's length (out.size() bounds it: give 64 KiB for TCP).
Verdict respond(const NetworkTable* network, const Client& client, std::span<const uint8_t> query,
                std::span<uint8_t> out, size_t& out_size, Rng& rng);

// A reply with `rcode` and no answers to `query` (question echoed when it parses), for
// the forwarder's SERVFAIL. Zero when the query has no readable header.
size_t error_reply(std::span<const uint8_t> query, Rcode rcode, std::span<uint8_t> out);

}  // namespace stack::net::dns
