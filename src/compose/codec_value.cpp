#include "compose/codec_value.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <limits>

#include "base/strings.hpp"
#include "compose/syntax.hpp"

namespace stack::compose::codec {
namespace {

template <class Int>
Int parse_int(const Node& n, const std::string& path, std::string_view what) {
  const std::string text = scalar_text(n, path);
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  Int value{};
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    throw error_at(n, path, "must be " + std::string(what) + ", not \"" + text + "\"");
  return value;
}

// "KEY=VALUE" -> (KEY, VALUE); "KEY" -> (KEY, nullopt).
std::pair<std::string, std::optional<std::string>> split_assignment(const std::string& item) {
  auto eq = item.find('=');
  if (eq == std::string::npos) return {item, std::nullopt};
  return {item.substr(0, eq), item.substr(eq + 1)};
}

template <class Put>
void decode_map_like(const Node& n, const std::string& path, Put put) {
  if (n.is_null()) return;
  if (n.is_mapping()) {
    for (const Entry& e : n.entries) {
      const std::string p = path_join(path, e.key);
      if (e.value.is_null()) {
        put(e.key, std::nullopt);
      } else {
        put(e.key, scalar_text(e.value, p));
      }
    }
    return;
  }
  if (n.is_sequence()) {
    for (size_t i = 0; i < n.items.size(); ++i) {
      auto [key, value] = split_assignment(scalar_text(n.items[i], path_index(path, i)));
      if (key.empty()) throw error_at(n.items[i], path_index(path, i), "missing name before \"=\"");
      put(key, value);
    }
    return;
  }
  throw error_at(n, path, "must be a mapping or a list of KEY=VALUE strings, not a " + std::string(n.kind_name()));
}

}  // namespace

std::string scalar_text(const Node& n, const std::string& path) {
  if (n.is_scalar()) return n.value;
  if (n.is_null()) return {};
  throw error_at(n, path, "must be a string, not a " + std::string(n.kind_name()));
}

void decode_value(const Node& n, const std::string& path, std::string& out, Ctx&) {
  if (n.is_null()) return;
  out = scalar_text(n, path);
}

void decode_value(const Node& n, const std::string& path, bool& out, Ctx&) {
  if (n.is_null()) return;
  const std::string text = scalar_text(n, path);
  const std::string v = base::to_lower(text);
  if (v == "true" || v == "yes" || v == "y" || v == "on") {
    out = true;
  } else if (v == "false" || v == "no" || v == "n" || v == "off") {
    out = false;
  } else {
    throw error_at(n, path, "must be a boolean, not \"" + text + "\"");
  }
}

void decode_value(const Node& n, const std::string& path, int64_t& out, Ctx&) {
  if (!n.is_null()) out = parse_int<int64_t>(n, path, "an integer");
}

void decode_value(const Node& n, const std::string& path, uint64_t& out, Ctx&) {
  if (!n.is_null()) out = parse_int<uint64_t>(n, path, "a non-negative integer");
}

void decode_value(const Node& n, const std::string& path, uint32_t& out, Ctx&) {
  if (!n.is_null()) out = parse_int<uint32_t>(n, path, "a non-negative integer");
}

void decode_value(const Node& n, const std::string& path, uint16_t& out, Ctx&) {
  if (!n.is_null()) out = parse_int<uint16_t>(n, path, "an integer between 0 and 65535");
}

void decode_value(const Node& n, const std::string& path, double& out, Ctx&) {
  if (n.is_null()) return;
  const std::string text = scalar_text(n, path);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw error_at(n, path, "must be a number, not \"" + text + "\"");
  out = value;
}

void decode_value(const Node& n, const std::string& path, std::vector<std::string>& out, Ctx&) {
  if (n.is_null()) return;
  if (!n.is_sequence()) throw error_at(n, path, "must be a list, not a " + std::string(n.kind_name()));
  out.clear();
  for (size_t i = 0; i < n.items.size(); ++i) out.push_back(scalar_text(n.items[i], path_index(path, i)));
}

void decode_value(const Node& n, const std::string& path, StringMap& out, Ctx&) {
  decode_map_like(n, path, [&](const std::string& k, const std::optional<std::string>& v) {
    out[k] = v.value_or("");
  });
}

void decode_value(const Node& n, const std::string& path, OptionalStringMap& out, Ctx&) {
  decode_map_like(n, path, [&](const std::string& k, const std::optional<std::string>& v) { out[k] = v; });
}

void decode_string_or_list(const Node& n, const std::string& path, std::vector<std::string>& out, Ctx& ctx) {
  if (n.is_scalar()) {
    out = {n.value};
    return;
  }
  decode_value(n, path, out, ctx);
}

void decode_bytes(const Node& n, const std::string& path, std::optional<Bytes>& out) {
  if (n.is_null()) return;
  const std::string text = scalar_text(n, path);
  // -1 means "unlimited" for memswap_limit; go-units would reject the sign.
  if (text == "-1") {
    out = -1;
    return;
  }
  try {
    out = parse_bytes(text);
  } catch (const Error& e) {
    throw error_at(n, path, e.what());
  }
}

void decode_duration(const Node& n, const std::string& path, std::optional<Nanoseconds>& out) {
  if (n.is_null()) return;
  try {
    out = parse_duration(scalar_text(n, path));
  } catch (const Error& e) {
    throw error_at(n, path, e.what());
  }
}

void decode_file_mode(const Node& n, const std::string& path, std::optional<uint32_t>& out) {
  if (n.is_null()) return;
  std::string text = scalar_text(n, path);
  // Compose files write modes in octal (0440, 0o440); a bare decimal is taken as is.
  int base = 10;
  std::string_view digits = text;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'o' || digits[1] == 'O')) {
    digits.remove_prefix(2);
    base = 8;
  } else if (digits.size() > 1 && digits[0] == '0') {
    digits.remove_prefix(1);
    base = 8;
  }
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value > 07777)
    throw error_at(n, path, "invalid file mode \"" + text + "\"");
  out = value;
}

std::vector<std::string> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0; else current += c;
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < text.size() && std::string_view("\"\\$`\n").find(text[i + 1]) != std::string_view::npos) {
        current += text[++i];
      } else {
        current += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      current += text[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
    } else {
      current += c;
      in_word = true;
    }
  }
  if (quote) throw Error(std::string("unterminated ") + (quote == '"' ? "double" : "single") + " quote");
  if (in_word) words.push_back(std::move(current));
  return words;
}

void decode_command(const Node& n, const std::string& path, std::optional<std::vector<std::string>>& out, Ctx& ctx) {
  if (n.is_null()) {
    out.reset();
    return;
  }
  if (n.is_scalar()) {
    try {
      out = split_shell_words(n.value);
    } catch (const Error& e) {
      throw error_at(n, path, std::string("invalid command line \"") + n.value + "\": " + e.what());
    }
    return;
  }
  std::vector<std::string> words;
  decode_value(n, path, words, ctx);
  out = std::move(words);
}

Node str_node(const std::string& s) { return Node::scalar(s, Node::Style::Quoted); }
Node plain_node(const std::string& s) { return Node::scalar(s, Node::Style::Plain); }

std::optional<Node> encode_value(const std::string& v) {
  if (v.empty()) return std::nullopt;
  return str_node(v);
}

std::optional<Node> encode_value(bool v) {
  if (!v) return std::nullopt;
  return plain_node("true");
}

std::optional<Node> encode_value(const std::optional<bool>& v) {
  if (!v) return std::nullopt;
  return plain_node(*v ? "true" : "false");
}

std::optional<Node> encode_value(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return plain_node(std::to_string(*v));
}

std::optional<Node> encode_value(const std::optional<uint64_t>& v) {
  if (!v) return std::nullopt;
  return plain_node(std::to_string(*v));
}

std::optional<Node> encode_value(const std::optional<uint16_t>& v) {
  if (!v) return std::nullopt;
  return plain_node(std::to_string(*v));
}

std::string format_number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, end);
}

std::optional<Node> encode_value(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  return plain_node(format_number(*v));
}

std::optional<Node> encode_value(const std::vector<std::string>& v) {
  if (v.empty()) return std::nullopt;
  Node seq = Node::sequence();
  for (const auto& s : v) seq.push(str_node(s));
  return seq;
}

std::optional<Node> encode_value(const std::optional<std::vector<std::string>>& v) {
  if (!v) return std::nullopt;
  Node seq = Node::sequence();
  for (const auto& s : *v) seq.push(str_node(s));
  return seq;
}

std::optional<Node> encode_value(const StringMap& v) {
  if (v.empty()) return std::nullopt;
  Node map = Node::mapping();
  for (const auto& [k, val] : v) map.set(k, str_node(val));
  return map;
}

std::optional<Node> encode_value(const OptionalStringMap& v) {
  if (v.empty()) return std::nullopt;
  Node map = Node::mapping();
  for (const auto& [k, val] : v) map.set(k, val ? str_node(*val) : Node::null());
  return map;
}

std::optional<Node> encode_bytes(const std::optional<Bytes>& v) {
  if (!v) return std::nullopt;
  return str_node(std::to_string(*v));
}

std::optional<Node> encode_duration(const std::optional<Nanoseconds>& v) {
  if (!v) return std::nullopt;
  return str_node(format_duration(*v));
}

std::optional<Node> encode_file_mode(const std::optional<uint32_t>& v) {
  if (!v) return std::nullopt;
  char buf[16];
  std::snprintf(buf, sizeof buf, "0%o", *v);
  return plain_node(buf);
}

}  // namespace stack::compose::codec
