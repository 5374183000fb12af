#include "net/nft_rules.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "base/error.hpp"

namespace stack::net {
namespace {

// Bridges that have published ports: they get route_localnet and its guard.
std::set<std::string> publishing_bridges(const FirewallState& state) {
  std::set<std::string> out;
  for (const auto& [owner, ports] : state.ports)
    for (const auto& p : ports) out.insert(p.bridge);
  return out;
}

void append_set(std::string& out, const FirewallState& state) {
  out += "\tset bridges {\n\t\ttype ifname\n";
  std::string elements;
  for (const auto& [bridge, n] : state.networks) elements += fmt::format("{}\"{}\"", elements.empty() ? "" : ", ", bridge);
  if (!elements.empty()) out += fmt::format("\t\telements = {{ {} }}\n", elements);
  out += "\t}\n";
}

// What differs between `table ip` and `table ip6`: the match keyword and the subnet.
struct Family {
  const char* match;                  // "ip" or "ip6"
  std::string NetworkRules::*subnet;  // "" when the network has none of this family
  bool localnet;                      // 127.0.0.0/8 reaches bridges (route_localnet): IPv4 only
};
constexpr Family kIpv4{"ip", &NetworkRules::subnet, true};
constexpr Family kIpv6{"ip6", &NetworkRules::subnet6, false};

// The NAT hooks send traffic to one of the host's own addresses through `published`;
// `prerouting_guard` (a whole rule) and `output_guard` (a match) are the exceptions.
void append_nat_hooks(std::string& out, std::string_view prerouting_guard, std::string_view output_guard) {
  out += fmt::format("\tchain prerouting {{\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n{}"
                     "\t\tfib daddr type local jump published\n\t}}\n",
                     prerouting_guard);
  out += fmt::format("\tchain output {{\n\t\ttype nat hook output priority -100; policy accept;\n"
                     "\t\t{}fib daddr type local jump published\n\t}}\n",
                     output_guard);
}

// One DNAT per published port, as `rule` writes it ("" leaves the port out).
template <typename Rule>
void append_published(std::string& out, const FirewallState& state, Rule rule) {
  out += "\tchain published {\n";
  for (const auto& [owner, ports] : state.ports)
    for (const auto& p : ports)
      if (const std::string r = rule(p); !r.empty()) out += fmt::format("\t\t{} comment \"{}\"\n", r, owner);
  out += "\t}\n";
}

void append_nat(std::string& out, const FirewallState& state) {
  out += "\tchain raw_prerouting {\n\t\ttype filter hook prerouting priority raw; policy accept;\n";
  for (const auto& bridge : publishing_bridges(state))
    out += fmt::format("\t\tiifname \"{}\" ip daddr 127.0.0.0/8 drop\n", bridge);
  out += "\t}\n";
  // Containers' DNS (stack-dns on each gateway, port 53) is never taken by a published port 53.
  append_nat_hooks(out, "\t\tiifname @bridges meta l4proto { tcp, udp } th dport 53 return\n", "");
  append_published(out, state, [](const PublishedPort& p) {
    return fmt::format("{}{} dport {} dnat to {}:{}", p.host_ip.empty() ? "" : fmt::format("ip daddr {} ", p.host_ip),
                       p.protocol, p.host_port, p.container_ip, p.container_port);
  });
}

// Ports published on every host address, to containers with an IPv6 address. ::1 is
// left out: IPv6 has no route_localnet, so a DNATed packet from ::1 could not leave
// through a bridge, and the client is better refused at once (it then tries 127.0.0.1).
void append_nat6(std::string& out, const FirewallState& state) {
  append_nat_hooks(out, "", "ip6 daddr != ::1 ");
  append_published(out, state, [](const PublishedPort& p) {
    return p.container_ip6.empty()
               ? std::string()
               : fmt::format("{} dport {} dnat to [{}]:{}", p.protocol, p.host_port, p.container_ip6, p.container_port);
  });
}

// Masquerade of each subnet leaving by another interface (not for internal networks),
// of a subnet's own DNATed traffic back into its bridge, and (IPv4) of 127.0.0.0/8
// entering a bridge: published ports used from the host itself.
void append_postrouting(std::string& out, const FirewallState& state, const Family& family) {
  out += "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n";
  for (const auto& [bridge, n] : state.networks)
    if (!n.internal && !(n.*family.subnet).empty())
      out += fmt::format("\t\t{} saddr {} oifname != \"{}\" masquerade\n", family.match, n.*family.subnet, bridge);
  for (const auto& bridge : publishing_bridges(state)) {
    if (family.localnet) out += fmt::format("\t\toifname \"{}\" ip saddr 127.0.0.0/8 masquerade\n", bridge);
    if (auto n = state.networks.find(bridge); n != state.networks.end() && !(n->second.*family.subnet).empty())
      out += fmt::format("\t\toifname \"{}\" {} saddr {} ct status dnat masquerade\n", bridge, family.match,
                         n->second.*family.subnet);
  }
  out += "\t}\n";
}

bool has_ipv6(const FirewallState& state) {
  return std::any_of(state.networks.begin(), state.networks.end(), [](const auto& n) { return !n.second.subnet6.empty(); });
}

void append_forward(std::string& out, const FirewallState& state) {
  out += "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n";
  for (const auto& [bridge, n] : state.networks)
    if (n.internal)
      out += fmt::format("\t\tiifname \"{0}\" oifname != \"{0}\" drop\n\t\toifname \"{0}\" iifname != \"{0}\" drop\n",
                         bridge);
  out += "\t\tct status dnat accept\n";
  for (const auto& [bridge, n] : state.networks)
    if (!n.internal) out += fmt::format("\t\tiifname \"{0}\" oifname != \"{0}\" oifname @bridges drop\n", bridge);
  for (const auto& [bridge, n] : state.networks)
    out += n.internal ? fmt::format("\t\tiifname \"{0}\" oifname \"{0}\" accept\n", bridge)
                      : fmt::format("\t\tiifname \"{0}\" accept\n\t\toifname \"{0}\" accept\n", bridge);
  out += "\t}\n";
}

// Our accept rules for iptables' filter table, by their comment (unique per rule).
std::vector<std::pair<std::string, std::string>> wanted_filter_rules(const std::string& table,
                                                                     const FirewallState& state) {
  std::vector<std::pair<std::string, std::string>> out;  // comment, match
  for (const auto& [bridge, n] : state.networks) {
    if (n.internal) {
      out.emplace_back(fmt::format("{} {} within", table, bridge), fmt::format("iifname \"{0}\" oifname \"{0}\"", bridge));
    } else {
      out.emplace_back(fmt::format("{} {} in", table, bridge), fmt::format("iifname \"{}\"", bridge));
      out.emplace_back(fmt::format("{} {} out", table, bridge), fmt::format("oifname \"{}\"", bridge));
    }
  }
  return out;
}

}  // namespace

std::string table_commands(const std::string& table, const FirewallState& state) {
  // "add" then "delete": the tables go whether or not they were there, in the same
  // transaction that makes them anew.
  std::string out = fmt::format("add table ip {0}\ndelete table ip {0}\nadd table ip6 {0}\ndelete table ip6 {0}\n", table);
  if (state.networks.empty() && state.ports.empty()) return out;
  out += fmt::format("table ip {} {{\n", table);
  append_set(out, state);
  append_nat(out, state);
  append_postrouting(out, state, kIpv4);
  append_forward(out, state);
  out += "}\n";
  if (!has_ipv6(state)) return out;
  out += fmt::format("table ip6 {} {{\n", table);
  append_set(out, state);
  append_nat6(out, state);
  append_postrouting(out, state, kIpv6);
  append_forward(out, state);
  out += "}\n";
  return out;
}

HostFilter parse_host_filter(const std::string& table, const std::string& json_listing, const std::string& family) {
  HostFilter filter;
  filter.family = family;
  const std::string prefix = table + " ";
  try {
    const auto listing = nlohmann::json::parse(json_listing);
    bool docker_user = false, forward = false;
    for (const auto& item : listing.value("nftables", nlohmann::json::array())) {
      if (auto chain = item.find("chain"); chain != item.end()) {
        const std::string name = chain->value("name", "");
        docker_user = docker_user || name == "DOCKER-USER";
        forward = forward || name == "FORWARD";
      }
      if (auto rule = item.find("rule"); rule != item.end()) {
        const std::string comment = rule->value("comment", "");
        if (comment.rfind(prefix, 0) == 0)
          filter.ours.push_back({rule->value("chain", ""), rule->value("handle", uint64_t{0}), comment});
      }
    }
    filter.chain = docker_user ? "DOCKER-USER" : forward ? "FORWARD" : "";
  } catch (const nlohmann::json::exception& e) {
    throw Error("nftables: cannot read the listing of table " + family + " filter: " + e.what());
  }
  return filter;
}

std::string host_filter_commands(const std::string& table, const HostFilter& filter, const FirewallState& state) {
  const auto wanted = wanted_filter_rules(table, filter.chain.empty() ? FirewallState{} : state);
  std::string out;
  std::set<std::string> kept;
  for (const auto& rule : filter.ours) {
    const bool still_wanted = rule.chain == filter.chain &&
                              std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == rule.comment; });
    if (still_wanted && kept.insert(rule.comment).second) continue;
    out += fmt::format("delete rule {} filter {} handle {}\n", filter.family, rule.chain, rule.handle);
  }
  for (const auto& [comment, match] : wanted)
    if (!kept.count(comment))
      out += fmt::format("insert rule {} filter {} {} accept comment \"{}\"\n", filter.family, filter.chain, match, comment);
  return out;
}

}  // namespace stack::net
