// The merge driver: walks base and override side by side, applies !reset/!override,
// dispatches to the per-path rules (merge_rules.cpp) and otherwise merges mappings
// key by key, appends sequences and lets override scalars win, as compose-go's
// override.Merge does. Override nodes are copied with their marks, so a value that
// wins still points at the file and line it came from.
#include "compose/merge.hpp"

#include "compose/merge_internal.hpp"

namespace stack::compose {
namespace merge_detail {

MergePath MergePath::child(std::string_view key) const {
  MergePath out{keys, path_join(display, key)};
  out.keys.emplace_back(key);
  return out;
}

namespace {

void strip_in_place(Node& node) {
  node.tag.clear();
  if (node.is_mapping()) {
    std::erase_if(node.entries, [](const Entry& e) { return e.value.tag == "!reset"; });
    for (auto& e : node.entries) strip_in_place(e.value);
  } else if (node.is_sequence()) {
    std::erase_if(node.items, [](const Node& n) { return n.tag == "!reset"; });
    for (auto& item : node.items) strip_in_place(item);
  }
}

bool same_place(const Mark& a, const Mark& b) {
  return a.file == b.file && a.line == b.line && a.column == b.column && a.line > 0;
}

}  // namespace

Node clean_copy(const Node& node) {
  Node copy = node;
  strip_in_place(copy);
  return copy;
}

void merge_mapping(Node& base, const Node& over, const MergePath& path) {
  for (const Entry& oe : over.entries) {
    const Node& ov = oe.value;
    if (ov.tag == "!reset") {
      // compose removes the path from what was merged so far; the override adds nothing.
      base.erase(oe.key);
      continue;
    }
    Entry* be = nullptr;
    for (auto& e : base.entries)
      if (e.key == oe.key) be = &e;
    // A base value still tagged !reset (first file, not stripped yet) counts as absent.
    bool base_absent = !be || be->value.is_null() || be->value.tag == "!reset";
    if (ov.tag == "!override" || base_absent) {
      if (be) {
        be->value = clean_copy(ov);
        be->key_mark = oe.key_mark;
      } else {
        base.set(oe.key, clean_copy(ov), oe.key_mark);
      }
      continue;
    }
    MergePath child = path.child(oe.key);
    if (ov.is_null()) {
      // An empty override value keeps the base, except where compose replaces outright.
      if (rule_for(child.keys) == Rule::Replace) {
        be->value = clean_copy(ov);
        be->key_mark = oe.key_mark;
      }
      continue;
    }
    merge_value(be->value, ov, child);
    // When the override's node won whole, its key is the one errors should point at.
    if (same_place(be->value.mark, ov.mark)) be->key_mark = oe.key_mark;
  }
}

void merge_default(Node& base, const Node& over, const MergePath& path) {
  if (base.is_scalar() || base.is_null()) {
    base = clean_copy(over);
    return;
  }
  if (base.kind != over.kind) {
    throw error_at(over, path.display,
                   "cannot override a " + std::string(base.kind_name()) + " with a " + std::string(over.kind_name()));
  }
  if (base.is_mapping()) {
    merge_mapping(base, over, path);
    return;
  }
  for (const Node& item : over.items)
    if (item.tag != "!reset") base.push(clean_copy(item));
}

void merge_value(Node& base, const Node& over, const MergePath& path) {
  Rule rule = rule_for(path.keys);
  if (rule == Rule::Default) {
    merge_default(base, over, path);
    return;
  }
  merge_by_rule(rule, base, over, path);
}

}  // namespace merge_detail

using merge_detail::MergePath;

void merge_files(Node& base, const Node& override) {
  if (override.is_null()) return;
  if (!override.is_mapping())
    throw error_at(override, "", "a compose file must be a mapping, not a " + std::string(override.kind_name()));
  if (base.is_null()) {
    base = merge_detail::clean_copy(override);
    return;
  }
  if (!base.is_mapping())
    throw error_at(base, "", "a compose file must be a mapping, not a " + std::string(base.kind_name()));
  merge_detail::merge_mapping(base, override, MergePath{});
}

void merge_service(Node& base, const Node& override, std::string_view path) {
  if (override.is_null()) return;
  if (!override.is_mapping())
    throw error_at(override, path, "must be a mapping, not a " + std::string(override.kind_name()));
  if (base.is_null()) {
    base = merge_detail::clean_copy(override);
    return;
  }
  if (!base.is_mapping()) throw error_at(base, path, "must be a mapping, not a " + std::string(base.kind_name()));
  // Rules are matched on keys from the file root; the service's own name never matters.
  merge_detail::merge_mapping(base, override, MergePath{{"services", "*"}, std::string(path)});
}

void strip_reset(Node& root) {
  if (root.tag == "!reset") {
    root = Node::null(root.mark);
    return;
  }
  merge_detail::strip_in_place(root);
}

}  // namespace stack::compose
