// The generic tree every compose pass works on, before the typed model exists.
//
// A Node is what YAML gave us, with the source position of every node and key kept
// so that any later pass can say "compose.yaml:12:9: services.web.ports[1]: ...".
// Scalars stay text (with whether they were quoted) until the decoder gives them a
// type, because interpolation and merging work on text. Mappings keep key order.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace stack::compose {

// Where a node came from. line/column are 1-based; 0 means unknown (made by a pass).
struct Mark {
  std::shared_ptr<const std::string> file;
  int line = 0;
  int column = 0;

  // "file:line:column", "file" or "" depending on what is known.
  std::string str() const;
};

struct Entry;

class Node {
 public:
  enum class Kind { Null, Scalar, Sequence, Mapping };
  // Quoted scalars are always strings; plain ones may be read as bool/number/null.
  enum class Style { Plain, Quoted };

  Kind kind = Kind::Null;
  Style style = Style::Plain;
  std::string value;           // Scalar text
  std::string tag;             // "!reset", "!override" or empty
  Mark mark;
  std::vector<Node> items;     // Sequence
  std::vector<Entry> entries;  // Mapping, in source order, keys unique

  static Node null(Mark mark = {});
  static Node scalar(std::string value, Style style = Style::Plain, Mark mark = {});
  static Node sequence(Mark mark = {});
  static Node mapping(Mark mark = {});

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_mapping() const { return kind == Kind::Mapping; }

  // Mapping access. find returns nullptr when absent (or when not a mapping).
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  const Entry* find_entry(std::string_view key) const;
  // Replaces the value of an existing key (keeping its position) or appends it.
  Node& set(std::string key, Node value, Mark key_mark = {});
  bool erase(std::string_view key);

  // Sequence append.
  Node& push(Node value);

  // "mapping", "sequence", "string", "null": for messages like "must be a mapping, not a sequence".
  std::string_view kind_name() const;

  bool operator==(const Node& other) const;  // structural: ignores marks, style and tags
};

struct Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

// "services" + "web" -> "services.web"; "" + "services" -> "services".
std::string path_join(std::string_view parent, std::string_view key);
// "services.web.ports" + 1 -> "services.web.ports[1]".
std::string path_index(std::string_view parent, size_t index);

// The error every compose pass throws: "<file>:<line>:<col>: <path>: <message>".
// Parts that are unknown are left out.
Error error_at(const Mark& mark, std::string_view path, std::string_view message, std::string hint = {});
inline Error error_at(const Node& node, std::string_view path, std::string_view message, std::string hint = {}) {
  return error_at(node.mark, path, message, std::move(hint));
}

}  // namespace stack::compose
