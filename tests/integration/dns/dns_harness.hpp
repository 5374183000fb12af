// What the stack-dns integration tests share: a private network namespace for the
// calling thread (addresses on lo), a tiny upstream DNS server, and a DNS client.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.hpp"
#include "net/dns/wire.hpp"

namespace stack::testing {

// Moves the calling thread into a new network namespace with lo up and `addresses`
// ("10.213.7.1/24") added to it; back to the original namespace on destruction (the
// new one then disappears with everything in it, once no process uses it).
class PrivateNetns {
 public:
  explicit PrivateNetns(const std::vector<std::string>& addresses);
  ~PrivateNetns();
  PrivateNetns(const PrivateNetns&) = delete;
  PrivateNetns& operator=(const PrivateNetns&) = delete;

 private:
  UniqueFd original_;
};

// A DNS server on `address`:53 (UDP and TCP) that answers "external.test" A 192.0.2.7
// and NXDOMAIN for every other name; counts the queries it got.
class FakeUpstream {
 public:
  explicit FakeUpstream(const std::string& address);
  ~FakeUpstream();
  int queries() const { return queries_.load(); }

 private:
  void serve();
  UniqueFd udp_, tcp_, stop_;
  std::atomic<int> queries_{0};
  std::thread thread_;
};

// One query to `server`:53; nullopt when nothing (valid) came back within `timeout`.
std::optional<net::dns::Message> ask(const std::string& server, const std::string& name, uint16_t qtype,
                                     bool tcp = false, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Polls `condition` every 10 ms until it holds or `timeout` passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace stack::testing
