#include "net/firewall_host.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <sstream>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::net {
namespace {

std::string sysctl_path(const std::string& name) { return "/proc/sys/" + name; }

class SystemFirewallHost final : public FirewallHost {
 public:
  bool port_free(const std::string& protocol, const std::string& host_ip, uint16_t port) override {
    const bool tcp = protocol == "tcp";
    const bool v6 = host_ip == "::";
    UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
    if (!fd) throw syscall_error("socket for a port check");
    // SO_REUSEADDR: a connection in TIME_WAIT does not make a port busy, a listener does.
    const int on = 1;
    if (tcp) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // IPv6 only: the IPv4 side was checked on its own (and a dual-stack listener fails both).
    if (v6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    sockaddr_in6 address6{};
    address6.sin6_family = AF_INET6;
    address6.sin6_port = htons(port);
    if (!v6 && !host_ip.empty() && ::inet_pton(AF_INET, host_ip.c_str(), &address.sin_addr) != 1)
      throw Error(fmt::format("invalid host address \"{}\" for port {}", host_ip, port));
    const int bound = v6 ? ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address6), sizeof address6)
                         : ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
    if (bound < 0) {
      if (errno == EADDRINUSE) return false;
      if (errno == EADDRNOTAVAIL)
        throw Error(fmt::format("cannot publish port {}: {} is not an address of this host", port, host_ip));
      throw syscall_error(fmt::format("bind {}:{}/{} to check it is free", host_ip.empty() ? "0.0.0.0" : host_ip,
                                      port, protocol));
    }
    return !tcp || ::listen(fd.get(), 1) == 0;
  }

  std::pair<uint16_t, uint16_t> ephemeral_ports() override {
    std::istringstream in(sysctl("net/ipv4/ip_local_port_range").value_or("32768 60999"));
    unsigned first = 0, last = 0;
    if (!(in >> first >> last) || first == 0 || last > 65535 || last < first) return {32768, 60999};
    return {static_cast<uint16_t>(first), static_cast<uint16_t>(last)};
  }

  std::optional<std::string> sysctl(const std::string& name) override {
    auto text = base::read_file_if_exists(sysctl_path(name));
    if (text)
      while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
    return text;
  }

  bool legacy_iptables_filter() override {
    const auto names = base::read_file_if_exists("/proc/net/ip_tables_names");
    return names && (*names == "filter\n" || names->find("filter\n") != std::string::npos);
  }

  void set_sysctl(const std::string& name, const std::string& value) override {
    const std::string path = sysctl_path(name);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd || !base::write_all(fd.get(), value + "\n")) throw syscall_error(fmt::format("set {} to {}", name, value));
  }
};

}  // namespace

std::unique_ptr<FirewallHost> make_system_firewall_host() { return std::make_unique<SystemFirewallHost>(); }

}  // namespace stack::net
