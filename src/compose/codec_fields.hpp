// Field tables: one row per compose key, giving both how to decode it into a model
// struct and how to encode it back. One table per struct keeps decode, encode and the
// set of accepted keys in step (a key missing from the table is an "unknown key").
// Internal to src/compose.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/codec_value.hpp"

namespace stack::compose::codec {

template <class T>
struct Field {
  std::string_view key;
  void (*decode)(const Node& value, const std::string& path, T& obj, Ctx& ctx);
  std::optional<Node> (*encode)(const T& obj);  // nullptr: never printed
};

// A field whose model member decodes and encodes with the generic overloads.
template <class T, auto Member>
Field<T> field(std::string_view key) {
  return Field<T>{key,
                  [](const Node& n, const std::string& p, T& obj, Ctx& ctx) { decode_value(n, p, obj.*Member, ctx); },
                  [](const T& obj) -> std::optional<Node> { return encode_value(obj.*Member); }};
}

template <class T, auto Member>
Field<T> bytes_field(std::string_view key) {
  return Field<T>{key, [](const Node& n, const std::string& p, T& obj, Ctx&) { decode_bytes(n, p, obj.*Member); },
                  [](const T& obj) { return encode_bytes(obj.*Member); }};
}

template <class T, auto Member>
Field<T> duration_field(std::string_view key) {
  return Field<T>{key, [](const Node& n, const std::string& p, T& obj, Ctx&) { decode_duration(n, p, obj.*Member); },
                  [](const T& obj) { return encode_duration(obj.*Member); }};
}

template <class T, auto Member>
Field<T> string_or_list_field(std::string_view key) {
  return Field<T>{key,
                  [](const Node& n, const std::string& p, T& obj, Ctx& ctx) {
                    decode_string_or_list(n, p, obj.*Member, ctx);
                  },
                  [](const T& obj) { return encode_value(obj.*Member); }};
}

// A field decoded and encoded by dedicated functions (codec_parts.hpp).
template <class T, auto Member, auto Decode, auto Encode>
Field<T> part_field(std::string_view key) {
  return Field<T>{key, [](const Node& n, const std::string& p, T& obj, Ctx& ctx) { Decode(n, p, obj.*Member, ctx); },
                  [](const T& obj) { return Encode(obj.*Member); }};
}

// Where a struct keeps its x-* keys (nullptr: x-* keys are not allowed there).
template <class T>
using ExtensionsOf = Extras* (*)(T&);

std::string suggest_key(std::string_view key, const std::vector<std::string_view>& known);

// Decodes a mapping into `obj` with `fields`. x-* keys go to `extensions` when given;
// any other key not in the table is an error at the key, with a "did you mean" hint.
// Keys listed in `passthrough_keys` are accepted and kept verbatim in `passthrough`.
template <class T>
void decode_fields(const Node& n, const std::string& path, T& obj, const std::vector<Field<T>>& fields, Ctx& ctx,
                   Extras* extensions = nullptr, const std::vector<std::string_view>& passthrough_keys = {},
                   Extras* passthrough = nullptr) {
  if (n.is_null()) return;
  if (!n.is_mapping()) throw error_at(n, path, "must be a mapping, not a " + std::string(n.kind_name()));
  for (const Entry& e : n.entries) {
    if (extensions && e.key.rfind("x-", 0) == 0) {
      (*extensions)[e.key] = e.value;
      continue;
    }
    if (passthrough && std::find(passthrough_keys.begin(), passthrough_keys.end(), e.key) != passthrough_keys.end()) {
      (*passthrough)[e.key] = e.value;
      continue;
    }
    const Field<T>* f = nullptr;
    for (const auto& candidate : fields)
      if (candidate.key == e.key) f = &candidate;
    if (!f) {
      std::vector<std::string_view> known;
      for (const auto& candidate : fields) known.push_back(candidate.key);
      throw error_at(e.key_mark, path, "unknown key \"" + e.key + "\"", suggest_key(e.key, known));
    }
    f->decode(e.value, path_join(path, e.key), obj, ctx);
  }
}

// Encodes `obj` as a mapping in table order, leaving out empty values; x-* keys last.
template <class T>
Node encode_fields(const T& obj, const std::vector<Field<T>>& fields, const Extras* extensions = nullptr,
                   const Extras* passthrough = nullptr) {
  Node map = Node::mapping();
  for (const auto& f : fields) {
    if (!f.encode) continue;
    if (auto value = f.encode(obj)) map.set(std::string(f.key), std::move(*value));
  }
  if (passthrough)
    for (const auto& [k, v] : *passthrough) map.set(k, v);
  if (extensions)
    for (const auto& [k, v] : *extensions) map.set(k, v);
  return map;
}

// An optional struct written as a mapping: null (or absent) leaves it unset.
template <class T>
void decode_options(const Node& n, const std::string& path, std::optional<T>& out, const std::vector<Field<T>>& fields,
                    Ctx& ctx) {
  if (n.is_null()) return;
  T obj{};
  decode_fields(n, path, obj, fields, ctx);
  out = std::move(obj);
}

template <class T>
std::optional<Node> encode_options(const std::optional<T>& obj, const std::vector<Field<T>>& fields) {
  if (!obj) return std::nullopt;
  return encode_fields(*obj, fields);
}

// A list of structs, each a mapping; an empty list is left out.
template <class T>
std::optional<Node> encode_list(const std::vector<T>& items, const std::vector<Field<T>>& fields) {
  if (items.empty()) return std::nullopt;
  Node seq = Node::sequence();
  for (const auto& item : items) seq.push(encode_fields(item, fields));
  return seq;
}

}  // namespace stack::compose::codec
