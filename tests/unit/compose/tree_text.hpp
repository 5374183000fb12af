// Test helper: a Node as one line of YAML flow text, so a failed tree comparison
// shows both trees, e.g. {services: {web: {ports: ["80:80"]}}}.
#pragma once

#include <string>

#include "compose/node.hpp"

namespace stack::compose::testing {

inline std::string tree_text(const Node& node) {
  std::string tag = node.tag.empty() ? "" : node.tag + " ";
  switch (node.kind) {
    case Node::Kind::Null: return tag + "null";
    case Node::Kind::Scalar:
      return tag + (node.style == Node::Style::Quoted ? "\"" + node.value + "\"" : node.value);
    case Node::Kind::Sequence: {
      std::string out = tag + "[";
      for (size_t i = 0; i < node.items.size(); ++i) out += (i ? ", " : "") + tree_text(node.items[i]);
      return out + "]";
    }
    case Node::Kind::Mapping: {
      std::string out = tag + "{";
      for (size_t i = 0; i < node.entries.size(); ++i)
        out += (i ? ", " : "") + node.entries[i].key + ": " + tree_text(node.entries[i].value);
      return out + "}";
    }
  }
  return "?";
}

}  // namespace stack::compose::testing
