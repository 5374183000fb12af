// The /etc files a container gets from its network (docker's shapes): hosts, resolv.conf
// and hostname. Pure rendering; prepare_container_network writes them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace stack::net {

// "name:ip" / "name=ip" (--add-host, extra_hosts) -> (ip, name); "host-gateway" as the ip
// becomes `host_gateway`. Throws stack::Error quoting a malformed entry.
std::pair<std::string, std::string> parse_extra_host(const std::string& entry, const std::string& host_gateway);

struct HostsContent {
  std::vector<std::pair<std::string, std::string>> extra;  // (ip, name), in order
  std::vector<std::string> own_addresses;                   // the container's addresses
  std::string hostname;
  std::string domainname;
};
// localhost and docker's IPv6 lines, the extra hosts, then "<ip>\t[<host>.<domain> ]<host>"
// for each own address.
std::string render_hosts(const HostsContent& content);

// "nameserver" lines, then "search" and "options" when given.
std::string render_resolv_conf(const std::vector<std::string>& nameservers, const std::vector<std::string>& search,
                               const std::vector<std::string>& options);

}  // namespace stack::net
