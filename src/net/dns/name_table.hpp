// The in-memory table the server answers from, built whole from the records on disk
// (records.hpp) and swapped in at once: a query never sees a half-built table.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/dns/address.hpp"
#include "net/dns/records.hpp"

namespace stack::net::dns {

struct Addresses {
  std::vector<Ipv4> v4;
  std::vector<Ipv6> v6;
};

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct NetworkTable {
  std::string name;
  uint32_t gateway = 0;  // host byte order
  Subnet4 subnet;
  bool internal = false;
  // Lower-case name -> every live container's addresses under that name.
  std::unordered_map<std::string, Addresses, NameHash, std::equal_to<>> names;
  // IPv4 address (host order) -> the container's first name, for PTR.
  std::unordered_map<uint32_t, std::string> reverse;
  // IPv6 address -> the container's first name, for PTR (networks with IPv6).
  std::map<Ipv6, std::string> reverse6;

  const Addresses* find(std::string_view lower_name) const {
    auto it = names.find(lower_name);
    return it == names.end() ? nullptr : &it->second;
  }
  const std::string* find_reverse(uint32_t address) const {
    auto it = reverse.find(address);
    return it == reverse.end() ? nullptr : &it->second;
  }
  const std::string* find_reverse6(const Ipv6& address) const {
    auto it = reverse6.find(address);
    return it == reverse6.end() ? nullptr : &it->second;
  }
};

struct Table {
  std::vector<NetworkTable> networks;
  // The directories whose changes can change the table: the state files' directories
  // (or, for a container not created yet, the nearest existing parent).
  std::vector<std::string> state_dirs;

  const NetworkTable* by_gateway(uint32_t gateway_host_order) const;
};

// Builds the table; `is_live(state_path)` says whether a container is answered
// (container_is_live in the server, a fake in tests).
Table build_table(const std::vector<NetworkRecords>& records, const std::function<bool(const std::string&)>& is_live);

}  // namespace stack::net::dns
