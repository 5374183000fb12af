// Private to the merge pass (merge.cpp, merge_rules.cpp, merge_identity.cpp).
//
// The merge walks two trees side by side. Where it is decides how values combine:
// compose keeps a table of per-path rules ("services.*.ports" merge by port identity,
// "services.*.command" replaces, ...) and falls back to "mappings merge, sequences
// append, scalars replace" everywhere else. MergePath carries both the keys used to
// match that table and the display path used in error messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/node.hpp"

namespace stack::compose::merge_detail {

struct MergePath {
  std::vector<std::string> keys;  // mapping keys from the file root, e.g. {"services","web","ports"}
  std::string display;            // "services.web.ports"

  MergePath child(std::string_view key) const;
};

enum class Rule {
  Default,      // mappings merge, sequences append, scalars replace
  Replace,      // command, entrypoint, healthcheck.test: the override wins whole
  KeyValue,     // environment, labels, ...: list "K=V" or mapping, merged by key
  ExtraHosts,   // union of host/address pairs
  DependsOn,    // list or mapping of services, merged by service name
  NameMap,      // service networks, models: list or mapping, merged by name
  Build,        // string (a context) or mapping
  Logging,      // options merge only when the drivers agree
  Ulimit,       // one ulimit: number or {soft, hard}
  IpamConfig,   // ipam.config pools, merged by subnet
  ByPort,       // ports, by (host_ip, published, target, protocol)
  ByVolume,     // volumes, by target
  BySecret,     // secrets, by target (default /run/secrets/<source>)
  ByConfig,     // configs, by target (default /<source>)
  ByDevice,     // devices, by container path
  ByEnvFile,    // env_file, by path
  ByTmpfs,      // tmpfs, by mount point
  Unique,       // dns, cap_add, ...: append, dropping repeated strings
};

Rule rule_for(const std::vector<std::string>& keys);

// Merges `over` into `base` at `path`. Neither is tagged !reset/!override and `over`
// is not null: the caller (merge_mapping) handled those cases.
void merge_value(Node& base, const Node& over, const MergePath& path);
// Key-by-key merge of two mappings, honoring !reset and !override on override values.
void merge_mapping(Node& base, const Node& over, const MergePath& path);
// Merges two values that have no special rule between them.
void merge_default(Node& base, const Node& over, const MergePath& path);

// A copy of `node` without its `!reset` children and with `!override` tags dropped:
// what an override value looks like once it lands in the merged tree.
Node clean_copy(const Node& node);

// The special mergers (merge_rules.cpp). Both sides present and non-null.
void merge_by_rule(Rule rule, Node& base, const Node& over, const MergePath& path);

// Identity of a sequence item for the keyed rules (merge_identity.cpp); nullopt when
// the item has no recognizable identity (it is then kept, never deduplicated).
std::optional<std::string> item_identity(Rule rule, const Node& item);

}  // namespace stack::compose::merge_detail
