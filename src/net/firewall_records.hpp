// What the firewall has put in place, on disk under <run_root>/firewall: one JSON
// document per network (networks/<bridge>.json) and per container with published ports
// (ports/<owner>.json), written atomically. The rules are always rebuilt from these, so
// they are removed exactly; `published()` reads them without touching nftables. The
// caller holds <run_root>/firewall/lock (lock_path) around a load and its saves.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/firewall.hpp"

namespace stack::net {

struct FirewallState {
  std::map<std::string, NetworkRules> networks;             // by bridge
  std::map<std::string, std::vector<PublishedPort>> ports;  // by owner (container id)
  bool operator==(const FirewallState&) const = default;
};

class FirewallRecords {
 public:
  explicit FirewallRecords(std::string dir);  // <run_root>/firewall

  const std::string& lock_path() const { return lock_path_; }
  // Every record; a missing directory is an empty state. An unreadable record is a
  // stack::Error naming its file.
  FirewallState load() const;
  std::vector<PublishedPort> ports(const std::string& owner) const;
  bool has_network(const std::string& bridge) const;

  // Writes what changed between `before` and `after` (and removes what went).
  void save(const FirewallState& before, const FirewallState& after) const;

 private:
  std::string dir_;
  std::string lock_path_;
};

// Bridge and owner names become file names: refused unless [A-Za-z0-9_.-]+ (not "." or "..").
void check_record_name(const std::string& kind, const std::string& name);

}  // namespace stack::net
