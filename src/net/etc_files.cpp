#include "net/etc_files.hpp"

#include "base/error.hpp"

namespace stack::net {

std::pair<std::string, std::string> parse_extra_host(const std::string& entry, const std::string& host_gateway) {
  const size_t sep = entry.find_first_of(":=");
  if (sep == 0 || sep == std::string::npos || sep + 1 == entry.size())
    throw Error("invalid argument \"" + entry + "\" for \"--add-host\" flag: expected NAME:IP or NAME=IP");
  std::string ip = entry.substr(sep + 1);
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);  // [::1]
  if (ip == "host-gateway") {
    if (host_gateway.empty()) throw Error("invalid --add-host \"" + entry + "\": no host gateway address for this network");
    ip = host_gateway;
  }
  return {ip, entry.substr(0, sep)};
}

std::string render_hosts(const HostsContent& c) {
  std::string out =
      "127.0.0.1\tlocalhost\n"
      "::1\tlocalhost ip6-localhost ip6-loopback\n"
      "fe00::0\tip6-localnet\n"
      "ff00::0\tip6-mcastprefix\n"
      "ff02::1\tip6-allnodes\n"
      "ff02::2\tip6-allrouters\n";
  for (const auto& [ip, name] : c.extra) out += ip + "\t" + name + "\n";
  if (c.hostname.empty()) return out;
  const std::string names = c.domainname.empty() ? c.hostname : c.hostname + "." + c.domainname + " " + c.hostname;
  for (const std::string& ip : c.own_addresses) out += ip + "\t" + names + "\n";
  return out;
}

std::string render_resolv_conf(const std::vector<std::string>& nameservers, const std::vector<std::string>& search,
                               const std::vector<std::string>& options) {
  std::string out;
  for (const std::string& n : nameservers) out += "nameserver " + n + "\n";
  auto line = [&out](const char* key, const std::vector<std::string>& words) {
    if (words.empty()) return;
    out += key;
    for (const std::string& w : words) out += " " + w;
    out += "\n";
  };
  line("search", search);
  line("options", options);
  return out;
}

}  // namespace stack::net
