// The firewall's rules as nft text, decided from the records alone (pure, unit-tested):
// the whole of stack's table, rebuilt in one transaction at every change, and the
// accept rules stack keeps in iptables' `ip filter` table when one is there (Docker's
// FORWARD policy DROP would otherwise drop our bridges' traffic).
//
// Stack's table (`table ip <name>`), and `table ip6 <name>` while a network has IPv6
// (the set; DNAT of published ports to containers' IPv6 addresses from the host's own
// IPv6 addresses but ::1; masquerade of each IPv6 subnet, and of its DNATed traffic back
// into its bridge; the same forward chain):
//   set bridges        every stack bridge, for isolation
//   raw_prerouting     nothing from a bridge reaches 127.0.0.0/8 (route_localnet is on
//                      for bridges with published ports)
//   prerouting/output  traffic to one of the host's own addresses (127.0.0.1 included)
//                      goes through `published`: one DNAT per published port
//   postrouting        masquerade of each subnet leaving by another interface (not for
//                      internal networks); of 127.0.0.0/8 entering a bridge (published
//                      ports used from the host itself); of a subnet's own DNATed
//                      traffic back into its bridge (container to a published port)
//   forward            internal networks stay inside their bridge; DNATed traffic (a
//                      published port) passes; otherwise nothing goes from one stack
//                      bridge to another; in and out of each bridge is accepted
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/firewall_records.hpp"

namespace stack::net {

// Commands that replace `table ip <table>` and `table ip6 <table>` with the state's
// rules (and only delete them when the state has nothing for them).
std::string table_commands(const std::string& table, const FirewallState& state);

// What is found of iptables' filter table: the chain our accept rules go to
// ("DOCKER-USER" when Docker made it, else "FORWARD", "" when neither exists) and the
// rules we put there earlier (recognized by their comment).
struct HostFilter {
  struct Rule {
    std::string chain;
    uint64_t handle = 0;
    std::string comment;
  };
  std::string chain;
  std::vector<Rule> ours;
  std::string family = "ip";  // "ip6": ip6tables' filter table (Docker's with ip6tables on)
};

// From the JSON listing of `list table <family> filter`.
HostFilter parse_host_filter(const std::string& table, const std::string& json_listing, const std::string& family = "ip");

// Commands that bring our rules of `<family> filter` to the state: stale ones deleted by
// handle, missing ones inserted at the top of the chain. Empty when nothing changes.
std::string host_filter_commands(const std::string& table, const HostFilter& filter, const FirewallState& state);

}  // namespace stack::net
