#include "net/dns/upstream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "base/files.hpp"
#include "base/unique_fd.hpp"

namespace stack::net::dns {

namespace {

std::optional<Upstream> parse_server(const std::string& text) {
  Upstream u;
  u.text = text;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&u.address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&u.address);
  if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(53);
    u.length = sizeof(sockaddr_in);
    u.loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    return u;
  }
  if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(53);
    u.length = sizeof(sockaddr_in6);
    u.loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    return u;
  }
  return std::nullopt;
}

std::vector<Upstream> read_upstreams(const std::string& path) {
  try {
    const auto text = base::read_file_if_exists(path);
    return text ? parse_resolv_conf(*text) : std::vector<Upstream>{};
  } catch (const std::exception&) {
    return {};
  }
}

std::vector<Upstream> without_loopback(std::vector<Upstream> list) {
  std::erase_if(list, [](const Upstream& u) { return u.loopback; });
  return list;
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

bool read_exact(int fd, uint8_t* data, size_t size, std::chrono::steady_clock::time_point deadline) {
  size_t done = 0;
  while (done < size) {
    if (!wait_for(fd, POLLIN, deadline)) return false;
    const ssize_t n = ::recv(fd, data + done, size - done, MSG_DONTWAIT);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::vector<Upstream> parse_resolv_conf(const std::string& text) {
  std::vector<Upstream> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string keyword, server;
    if (!(words >> keyword >> server) || keyword != "nameserver") continue;
    if (auto u = parse_server(server)) out.push_back(std::move(*u));
  }
  return out;
}

std::vector<Upstream> host_upstreams(const std::string& override_file) {
  if (!override_file.empty()) return read_upstreams(override_file);
  const auto etc = read_upstreams("/etc/resolv.conf");
  if (auto remote = without_loopback(etc); !remote.empty()) return remote;
  if (auto systemd = without_loopback(read_upstreams("/run/systemd/resolve/resolv.conf")); !systemd.empty())
    return systemd;
  return etc;
}

bool write_tcp_message(int fd, std::span<const uint8_t> message, std::chrono::steady_clock::time_point deadline) {
  if (message.size() > 65535) return false;
  std::vector<uint8_t> framed;
  framed.reserve(message.size() + 2);
  framed.push_back(static_cast<uint8_t>(message.size() >> 8));
  framed.push_back(static_cast<uint8_t>(message.size()));
  framed.insert(framed.end(), message.begin(), message.end());
  size_t done = 0;
  while (done < framed.size()) {
    if (!wait_for(fd, POLLOUT, deadline)) return false;
    const ssize_t n = ::send(fd, framed.data() + done, framed.size() - done, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::vector<uint8_t>> read_tcp_message(int fd, std::chrono::steady_clock::time_point deadline) {
  uint8_t prefix[2];
  if (!read_exact(fd, prefix, 2, deadline)) return std::nullopt;
  std::vector<uint8_t> message(static_cast<size_t>(prefix[0]) << 8 | prefix[1]);
  if (message.empty() || !read_exact(fd, message.data(), message.size(), deadline)) return std::nullopt;
  return message;
}

std::optional<std::vector<uint8_t>> tcp_exchange(const Upstream& upstream, std::span<const uint8_t> query,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  UniqueFd fd(::socket(upstream.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return std::nullopt;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&upstream.address), upstream.length) < 0) {
    if (errno != EINPROGRESS || !wait_for(fd.get(), POLLOUT, deadline)) return std::nullopt;
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) < 0 || error != 0) return std::nullopt;
  }
  if (!write_tcp_message(fd.get(), query, deadline)) return std::nullopt;
  return read_tcp_message(fd.get(), deadline);
}

}  // namespace stack::net::dns
