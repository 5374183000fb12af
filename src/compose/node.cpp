#include "compose/node.hpp"

#include <algorithm>

namespace stack::compose {

std::string Mark::str() const {
  std::string out = file ? *file : std::string();
  if (line > 0) {
    out += (out.empty() ? "" : ":") + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

Node Node::null(Mark mark) {
  Node n;
  n.mark = std::move(mark);
  return n;
}

Node Node::scalar(std::string value, Style style, Mark mark) {
  Node n;
  n.kind = Kind::Scalar;
  n.value = std::move(value);
  n.style = style;
  n.mark = std::move(mark);
  return n;
}

Node Node::sequence(Mark mark) {
  Node n;
  n.kind = Kind::Sequence;
  n.mark = std::move(mark);
  return n;
}

Node Node::mapping(Mark mark) {
  Node n;
  n.kind = Kind::Mapping;
  n.mark = std::move(mark);
  return n;
}

const Entry* Node::find_entry(std::string_view key) const {
  if (kind != Kind::Mapping) return nullptr;
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

const Node* Node::find(std::string_view key) const {
  const Entry* e = find_entry(key);
  return e ? &e->value : nullptr;
}

Node* Node::find(std::string_view key) {
  return const_cast<Node*>(static_cast<const Node*>(this)->find(key));
}

Node& Node::set(std::string key, Node value, Mark key_mark) {
  for (auto& e : entries) {
    if (e.key == key) {
      e.value = std::move(value);
      return e.value;
    }
  }
  if (!key_mark.file && !key_mark.line) key_mark = value.mark;
  entries.push_back(Entry{std::move(key), std::move(key_mark), std::move(value)});
  return entries.back().value;
}

bool Node::erase(std::string_view key) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
  if (it == entries.end()) return false;
  entries.erase(it);
  return true;
}

Node& Node::push(Node value) {
  items.push_back(std::move(value));
  return items.back();
}

std::string_view Node::kind_name() const {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::Scalar: return "string";
    case Kind::Sequence: return "sequence";
    case Kind::Mapping: return "mapping";
  }
  return "?";
}

bool Node::operator==(const Node& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case Kind::Null: return true;
    case Kind::Scalar: return value == other.value;
    case Kind::Sequence: return items == other.items;
    case Kind::Mapping:
      if (entries.size() != other.entries.size()) return false;
      for (size_t i = 0; i < entries.size(); ++i)
        if (entries[i].key != other.entries[i].key || !(entries[i].value == other.entries[i].value)) return false;
      return true;
  }
  return false;
}

std::string path_join(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string path_index(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

Error error_at(const Mark& mark, std::string_view path, std::string_view message, std::string hint) {
  std::string out = mark.str();
  if (!out.empty()) out += ": ";
  if (!path.empty()) {
    out += path;
    out += ": ";
  }
  out += message;
  return Error(std::move(out), std::move(hint));
}

}  // namespace stack::compose
