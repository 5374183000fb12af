// compose's per-path merge rules (compose-go override/merge.go and uncity.go).
//
// compose-go merges canonical trees, then removes duplicates from some sequences
// ("EnforceUnicity": a later item with the same identity replaces the earlier one
// in place). We merge before any canonical form exists, so each rule first brings
// both sides to one shape (list "K=V" or mapping, string or list, ...) and the keyed
// rules dedupe by identity while appending.
#include <map>
#include <string>

#include "base/strings.hpp"
#include "compose/merge_internal.hpp"

namespace stack::compose::merge_detail {
namespace {

struct RuleEntry {
  std::vector<std::string> pattern;  // "*" matches any one key
  Rule rule;
};

const std::vector<RuleEntry>& rule_table() {
  static const std::vector<RuleEntry> table = [] {
    const std::pair<std::string_view, Rule> rules[] = {
        {"services.*.command", Rule::Replace},
        {"services.*.entrypoint", Rule::Replace},
        {"services.*.healthcheck.test", Rule::Replace},
        {"services.*.environment", Rule::KeyValue},
        {"services.*.labels", Rule::KeyValue},
        {"services.*.annotations", Rule::KeyValue},
        {"services.*.sysctls", Rule::KeyValue},
        {"services.*.build.args", Rule::KeyValue},
        {"services.*.build.labels", Rule::KeyValue},
        {"services.*.build.additional_contexts", Rule::KeyValue},
        {"services.*.deploy.labels", Rule::KeyValue},
        {"services.*.logging.options", Rule::KeyValue},
        {"services.*.extra_hosts", Rule::ExtraHosts},
        {"services.*.build.extra_hosts", Rule::ExtraHosts},
        {"services.*.depends_on", Rule::DependsOn},
        {"services.*.networks", Rule::NameMap},
        {"services.*.models", Rule::NameMap},
        {"services.*.build", Rule::Build},
        {"services.*.logging", Rule::Logging},
        {"services.*.ulimits.*", Rule::Ulimit},
        {"services.*.ports", Rule::ByPort},
        {"services.*.volumes", Rule::ByVolume},
        {"services.*.secrets", Rule::BySecret},
        {"services.*.configs", Rule::ByConfig},
        {"services.*.devices", Rule::ByDevice},
        {"services.*.env_file", Rule::ByEnvFile},
        {"services.*.tmpfs", Rule::ByTmpfs},
        {"services.*.label_file", Rule::Unique},
        {"services.*.dns", Rule::Unique},
        {"services.*.dns_search", Rule::Unique},
        {"services.*.dns_opt", Rule::Unique},
        {"services.*.cap_add", Rule::Unique},
        {"services.*.cap_drop", Rule::Unique},
        {"services.*.expose", Rule::Unique},
        {"services.*.links", Rule::Unique},
        {"services.*.profiles", Rule::Unique},
        {"services.*.build.tags", Rule::Unique},
        {"services.*.build.platforms", Rule::Unique},
        {"services.*.networks.*.aliases", Rule::Unique},
        {"services.*.networks.*.link_local_ips", Rule::Unique},
        {"networks.*.labels", Rule::KeyValue},
        {"networks.*.ipam.options", Rule::KeyValue},
        {"networks.*.ipam.config", Rule::IpamConfig},
        {"volumes.*.labels", Rule::KeyValue},
        {"secrets.*.labels", Rule::KeyValue},
        {"configs.*.labels", Rule::KeyValue},
    };
    std::vector<RuleEntry> out;
    for (const auto& [pattern, rule] : rules) out.push_back({base::split(pattern, '.'), rule});
    return out;
  }();
  return table;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& keys) {
  if (pattern.size() != keys.size()) return false;
  for (size_t i = 0; i < keys.size(); ++i)
    if (pattern[i] != "*" && pattern[i] != keys[i]) return false;
  return true;
}

// Sequence-or-string values ("dns: 8.8.8.8") as a list of items.
std::vector<Node> as_items(const Node& node, const MergePath& path) {
  if (node.is_scalar()) return {node};
  if (!node.is_sequence())
    throw error_at(node, path.display, "must be a string or a list, not a " + std::string(node.kind_name()));
  std::vector<Node> out;
  for (const Node& item : node.items)
    if (item.tag != "!reset") out.push_back(clean_copy(item));
  return out;
}

// Append, then let a later item replace an earlier one with the same identity, in
// the earlier one's position (compose's EnforceUnicity).
void merge_keyed(Rule rule, Node& base, const Node& over, const MergePath& path) {
  std::vector<Node> all = as_items(base, path);
  for (Node& item : as_items(over, path)) all.push_back(std::move(item));
  Node out = Node::sequence(base.mark);
  std::map<std::string, size_t> seen;
  for (Node& item : all) {
    auto id = item_identity(rule, item);
    if (id) {
      auto [it, fresh] = seen.emplace(*id, out.items.size());
      if (!fresh) {
        out.items[it->second] = std::move(item);
        continue;
      }
    }
    out.push(std::move(item));
  }
  base = std::move(out);
}

// "K=V" -> K: "V" (a string, whatever V looks like); "K" -> K: null (unset, or taken
// from the environment for `environment`).
Entry key_value_entry(const Node& item, const std::string& where) {
  if (!item.is_scalar()) throw error_at(item, where, "must be a string, not a " + std::string(item.kind_name()));
  auto eq = item.value.find('=');
  if (eq == std::string::npos) return Entry{item.value, item.mark, Node::null(item.mark)};
  return Entry{item.value.substr(0, eq), item.mark,
               Node::scalar(item.value.substr(eq + 1), Node::Style::Quoted, item.mark)};
}

std::vector<Entry> key_value_entries(const Node& node, const MergePath& path) {
  if (node.is_mapping()) return node.entries;
  std::vector<Entry> out;
  if (node.is_scalar()) {
    out.push_back(key_value_entry(node, path.display));
    return out;
  }
  if (!node.is_sequence())
    throw error_at(node, path.display, "must be a mapping or a list, not a " + std::string(node.kind_name()));
  for (size_t i = 0; i < node.items.size(); ++i)
    if (node.items[i].tag != "!reset") out.push_back(key_value_entry(node.items[i], path_index(path.display, i)));
  return out;
}

// Both sides as a mapping; the override's value wins per key, keeping the base's order.
void merge_key_values(Node& base, const Node& over, const MergePath& path) {
  Node out = Node::mapping(base.mark);
  out.entries = key_value_entries(base, path);
  for (const Entry& e : key_value_entries(over, path)) {
    if (e.value.tag == "!reset") {
      out.erase(e.key);
      continue;
    }
    Node value = clean_copy(e.value);
    if (Node* existing = out.find(e.key)) {
      *existing = std::move(value);
      for (auto& oe : out.entries)
        if (oe.key == e.key) oe.key_mark = e.key_mark;
    } else {
      out.set(e.key, std::move(value), e.key_mark);
    }
  }
  base = std::move(out);
}

// A list of names ("[db, cache]") as a mapping of name -> `value`; mappings as they are.
Node as_name_map(const Node& node, const MergePath& path, const Node& value) {
  if (node.is_mapping()) return node;
  if (!node.is_sequence())
    throw error_at(node, path.display, "must be a mapping or a list, not a " + std::string(node.kind_name()));
  Node out = Node::mapping(node.mark);
  for (size_t i = 0; i < node.items.size(); ++i) {
    const Node& item = node.items[i];
    if (item.tag == "!reset") continue;
    if (!item.is_scalar())
      throw error_at(item, path_index(path.display, i), "must be a string, not a " + std::string(item.kind_name()));
    Node v = value;
    v.mark = item.mark;
    for (auto& e : v.entries) e.value.mark = e.key_mark = item.mark;
    out.set(item.value, std::move(v), item.mark);
  }
  return out;
}

void merge_name_maps(Node& base, const Node& over, const MergePath& path, const Node& list_value) {
  Node merged = as_name_map(base, path, list_value);
  merge_mapping(merged, as_name_map(over, path, list_value), path);
  base = std::move(merged);
}

// What a list entry of depends_on means: the long form compose gives it.
Node depends_on_default() {
  Node value = Node::mapping();
  value.set("condition", Node::scalar("service_started"));
  value.set("required", Node::scalar("true"));
  return value;
}

// host -> addresses, in first-seen order.
using HostList = std::vector<std::pair<std::string, std::vector<Node>>>;

void add_host(HostList& hosts, const std::string& host, Node address) {
  for (auto& [name, addresses] : hosts) {
    if (name != host) continue;
    for (const Node& a : addresses)
      if (a.value == address.value) return;  // compose drops exact duplicates only
    addresses.push_back(std::move(address));
    return;
  }
  hosts.push_back({host, {std::move(address)}});
}

void collect_hosts(HostList& hosts, const Node& node, const MergePath& path) {
  if (node.is_mapping()) {
    for (const Entry& e : node.entries) {
      if (e.value.is_sequence()) {
        for (const Node& a : e.value.items) add_host(hosts, e.key, clean_copy(a));
      } else {
        add_host(hosts, e.key, clean_copy(e.value));
      }
    }
    return;
  }
  for (const Node& item : as_items(node, path)) {
    if (!item.is_scalar())
      throw error_at(item, path.display, "must be a string, not a " + std::string(item.kind_name()));
    // "host=addr" or "host:addr"; a host name has no ':' so the first one separates.
    auto sep = item.value.find('=');
    if (sep == std::string::npos) sep = item.value.find(':');
    if (sep == std::string::npos)
      throw error_at(item, path.display, "invalid extra host \"" + item.value + "\": expected host=address");
    add_host(hosts, item.value.substr(0, sep),
             Node::scalar(item.value.substr(sep + 1), Node::Style::Quoted, item.mark));
  }
}

// compose appends the entries of both sides minus exact duplicates: a host listed with
// another address in the override gets both. Written back as host -> address(es).
void merge_extra_hosts(Node& base, const Node& over, const MergePath& path) {
  HostList hosts;
  collect_hosts(hosts, base, path);
  collect_hosts(hosts, over, path);
  Node out = Node::mapping(base.mark);
  for (auto& [host, addresses] : hosts) {
    Mark mark = addresses.front().mark;
    if (addresses.size() == 1) {
      out.set(host, std::move(addresses.front()), mark);
      continue;
    }
    Node list = Node::sequence(mark);
    for (Node& a : addresses) list.push(std::move(a));
    out.set(host, std::move(list), mark);
  }
  base = std::move(out);
}

void merge_build(Node& base, const Node& over, const MergePath& path) {
  auto as_mapping = [&](const Node& n) {
    if (n.is_mapping()) return n;
    if (!n.is_scalar())
      throw error_at(n, path.display, "must be a string or a mapping, not a " + std::string(n.kind_name()));
    Node m = Node::mapping(n.mark);
    m.set("context", n, n.mark);
    return m;
  };
  Node merged = as_mapping(base);
  merge_mapping(merged, as_mapping(over), path);
  base = std::move(merged);
}

// Two drivers that differ have unrelated options: the override's logging wins whole.
void merge_logging(Node& base, const Node& over, const MergePath& path) {
  if (base.is_mapping() && over.is_mapping()) {
    const Node* a = base.find("driver");
    const Node* b = over.find("driver");
    if (a && b && !(*a == *b)) {
      base = clean_copy(over);
      return;
    }
  }
  merge_default(base, over, path);
}

const Node* subnet_of(const Node& pool) {
  const Node* s = pool.is_mapping() ? pool.find("subnet") : nullptr;
  return s && s->is_scalar() ? s : nullptr;
}

// Pools with the same subnet merge; other override pools are added. (compose-go drops
// base pools the override does not mention; we keep them, as everywhere else.)
void merge_ipam_config(Node& base, const Node& over, const MergePath& path) {
  if (!base.is_sequence() || !over.is_sequence()) {
    merge_default(base, over, path);
    return;
  }
  for (const Node& pool : over.items) {
    if (pool.tag == "!reset") continue;
    const Node* subnet = subnet_of(pool);
    Node* target = nullptr;
    for (Node& existing : base.items) {
      const Node* s = subnet_of(existing);
      if (subnet && s && s->value == subnet->value) target = &existing;
    }
    if (target) {
      merge_mapping(*target, pool, path);
    } else {
      base.push(clean_copy(pool));
    }
  }
}

}  // namespace

Rule rule_for(const std::vector<std::string>& keys) {
  for (const RuleEntry& entry : rule_table())
    if (matches(entry.pattern, keys)) return entry.rule;
  return Rule::Default;
}

void merge_by_rule(Rule rule, Node& base, const Node& over, const MergePath& path) {
  switch (rule) {
    case Rule::Default: merge_default(base, over, path); return;
    case Rule::Replace: base = clean_copy(over); return;
    case Rule::KeyValue: merge_key_values(base, over, path); return;
    case Rule::ExtraHosts: merge_extra_hosts(base, over, path); return;
    case Rule::DependsOn: merge_name_maps(base, over, path, depends_on_default()); return;
    case Rule::NameMap: merge_name_maps(base, over, path, Node::null()); return;
    case Rule::Build: merge_build(base, over, path); return;
    case Rule::Logging: merge_logging(base, over, path); return;
    case Rule::Ulimit:
      // A number and a {soft, hard} mapping do not combine: the override wins whole.
      if (base.is_mapping() && over.is_mapping()) {
        merge_mapping(base, over, path);
      } else {
        base = clean_copy(over);
      }
      return;
    case Rule::IpamConfig: merge_ipam_config(base, over, path); return;
    default: merge_keyed(rule, base, over, path); return;
  }
}

}  // namespace stack::compose::merge_detail
