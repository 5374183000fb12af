// Decoding and encoding of the value types the compose model is made of
// (strings, booleans, numbers, sizes, durations, lists, maps), shared by the
// service and project codecs. Internal to src/compose.
//
// decode_value(node, path, out, ctx) overloads fill `out` from a Node and throw
// error_at(node, path, ...) on a wrong type. A null node leaves `out` at its default.
// encode_value(value) overloads return the Node `stack config` prints, or nullopt
// when the value is empty and is left out (like compose's omitempty).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compose/environment.hpp"
#include "compose/model.hpp"

namespace stack::compose::codec {

struct Ctx {
  Warnings* warnings = nullptr;
  void warn(std::string text) const {
    if (warnings) warnings->push_back(std::move(text));
  }
};

// Scalars. Booleans accept true/false/yes/no/on/off/y/n in any case (as compose does
// after interpolation); numbers accept quoted text too, since interpolation yields text.
void decode_value(const Node& n, const std::string& path, std::string& out, Ctx& ctx);
void decode_value(const Node& n, const std::string& path, bool& out, Ctx& ctx);
void decode_value(const Node& n, const std::string& path, int64_t& out, Ctx& ctx);
void decode_value(const Node& n, const std::string& path, uint64_t& out, Ctx& ctx);
void decode_value(const Node& n, const std::string& path, uint32_t& out, Ctx& ctx);
void decode_value(const Node& n, const std::string& path, uint16_t& out, Ctx& ctx);
void decode_value(const Node& n, const std::string& path, double& out, Ctx& ctx);
// A list of strings (numbers are taken as their text).
void decode_value(const Node& n, const std::string& path, std::vector<std::string>& out, Ctx& ctx);
// A mapping, or a list of "KEY=VALUE" (a bare "KEY" gives "").
void decode_value(const Node& n, const std::string& path, StringMap& out, Ctx& ctx);
// A mapping, or a list of "KEY=VALUE"; a bare "KEY" or a null value stays unset.
void decode_value(const Node& n, const std::string& path, OptionalStringMap& out, Ctx& ctx);

template <class T>
void decode_value(const Node& n, const std::string& path, std::optional<T>& out, Ctx& ctx) {
  if (n.is_null()) {
    out.reset();
    return;
  }
  T value{};
  decode_value(n, path, value, ctx);
  out = std::move(value);
}

// Special scalar forms.
std::string scalar_text(const Node& n, const std::string& path);  // error unless a scalar
void decode_string_or_list(const Node& n, const std::string& path, std::vector<std::string>& out, Ctx& ctx);
void decode_bytes(const Node& n, const std::string& path, std::optional<Bytes>& out);
void decode_duration(const Node& n, const std::string& path, std::optional<Nanoseconds>& out);
void decode_file_mode(const Node& n, const std::string& path, std::optional<uint32_t>& out);
// `command:`/`entrypoint:` — a string is split like a shell would (quotes, escapes).
void decode_command(const Node& n, const std::string& path, std::optional<std::vector<std::string>>& out, Ctx& ctx);
std::vector<std::string> split_shell_words(std::string_view text);

// Encoders.
Node str_node(const std::string& s);   // a string (Quoted style: stays a string on reload)
Node plain_node(const std::string& s); // a number or boolean
std::optional<Node> encode_value(const std::string& v);
std::optional<Node> encode_value(bool v);
std::optional<Node> encode_value(const std::optional<bool>& v);
std::optional<Node> encode_value(const std::optional<int64_t>& v);
std::optional<Node> encode_value(const std::optional<uint64_t>& v);
std::optional<Node> encode_value(const std::optional<uint16_t>& v);
std::optional<Node> encode_value(const std::optional<double>& v);
std::optional<Node> encode_value(const std::vector<std::string>& v);
std::optional<Node> encode_value(const std::optional<std::vector<std::string>>& v);  // [] is kept
std::optional<Node> encode_value(const StringMap& v);
std::optional<Node> encode_value(const OptionalStringMap& v);
std::optional<Node> encode_bytes(const std::optional<Bytes>& v);
std::optional<Node> encode_duration(const std::optional<Nanoseconds>& v);
std::optional<Node> encode_file_mode(const std::optional<uint32_t>& v);
std::string format_number(double v);

}  // namespace stack::compose::codec
