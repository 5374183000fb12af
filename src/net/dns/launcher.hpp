// Starting stack-dns on demand. One server per run root: it holds an flock on
// <run_root>/dns/lock for its whole life (and writes its pid there), so "is a server
// running" is "is that lock held", and a dead server's lock is free at once.
//
// Call publish_network (records.hpp) before ensure_dns_running: a server that finds no
// network exits by itself.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace stack::net::dns {

std::string server_lock_path(const std::string& run_root);     // <run_root>/dns/lock
std::string lifecycle_lock_path(const std::string& run_root);  // <run_root>/dns/lifecycle.lock
std::string server_log_path(const std::string& run_root);      // <run_root>/dns/stack-dns.log

// stack-dns next to the running executable, or $STACK_DNS, or the installed path.
std::string dns_binary();

struct DnsLaunchOptions {
  std::string upstream_file;  // resolv.conf-style file of upstreams (tests); empty: the host's
  uint16_t port = 53;
};

struct DnsServerInfo {
  pid_t pid = 0;
  bool started = false;  // false: a running server was found
};

// Returns once a server serves `run_root`: the running one, or one started now
// (detached: its own session, stdio to server_log_path) that reported ready. Callers
// are serialized by the lifecycle lock, so concurrent calls start exactly one server.
// Throws stack::Error with the server's own message when it cannot start.
DnsServerInfo ensure_dns_running(const std::string& run_root, const std::string& binary,
                                 const DnsLaunchOptions& options = {});

}  // namespace stack::net::dns
