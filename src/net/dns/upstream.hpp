// The host's upstream resolvers and the blocking TCP exchange with one of them.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace stack::net::dns {

struct Upstream {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // for logs
  bool loopback = false;
};

// Per-upstream wait before trying the next one.
constexpr std::chrono::milliseconds kUpstreamTimeout{2000};

// The "nameserver" lines of a resolv.conf (port 53; scoped IPv6 addresses skipped).
std::vector<Upstream> parse_resolv_conf(const std::string& text);

// The resolvers to forward to. `override_file` (tests: STACK_DNS_UPSTREAM) is taken as
// is. Otherwise /etc/resolv.conf without its loopback entries; when nothing is left
// (systemd-resolved's 127.0.0.53 stub) /run/systemd/resolve/resolv.conf, which lists
// the real servers; and when that fails too, the loopback entries after all (they work
// from the host's namespace, where this server runs).
std::vector<Upstream> host_upstreams(const std::string& override_file);

// One query over TCP (2-byte length prefix) within `timeout`; nullopt on any failure.
std::optional<std::vector<uint8_t>> tcp_exchange(const Upstream& upstream, std::span<const uint8_t> query,
                                                 std::chrono::milliseconds timeout);

// Full-message I/O on a blocking stream socket with a deadline (used both ways).
bool write_tcp_message(int fd, std::span<const uint8_t> message, std::chrono::steady_clock::time_point deadline);
std::optional<std::vector<uint8_t>> read_tcp_message(int fd, std::chrono::steady_clock::time_point deadline);

}  // namespace stack::net::dns
