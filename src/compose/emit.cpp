#include "compose/emit.hpp"

#include <nlohmann/json.hpp>
#include <regex>

#include "compose/yaml_scalar.hpp"

namespace stack::compose {
namespace {

// ---------------------------------------------------------------- YAML

// Longer keys are written as explicit keys ("? key" / ": value"): YAML readers
// refuse implicit keys past 1024 characters. Bytes, to stay clear of it in any count.
constexpr size_t kMaxSimpleKey = 512;

class YamlWriter {
 public:
  std::string out;

  void root(const Node& n) {
    if (!is_inline(n)) {
      if (!n.tag.empty()) out += n.tag + "\n";
      block(n, 0, false);
      return;
    }
    if (!n.tag.empty()) out += n.is_null() ? n.tag : n.tag + " ";
    inline_value(n, 2);
    out += '\n';
  }

 private:
  // Written on the line of their key or dash: scalars, null, empty collections.
  static bool is_inline(const Node& n) {
    return n.is_scalar() || n.is_null() || (n.is_mapping() && n.entries.empty()) ||
           (n.is_sequence() && n.items.empty());
  }

  void indent(int column) { out.append(static_cast<size_t>(column), ' '); }

  // A non-empty mapping or sequence whose entries start at `column`. With
  // `first_inline` the first entry continues the current line (after "- ").
  void block(const Node& n, int column, bool first_inline) {
    bool first = true;
    if (n.is_mapping()) {
      for (const Entry& e : n.entries) {
        if (!first || !first_inline) indent(column);
        first = false;
        std::string key = key_text(e.key);
        if (key.size() > kMaxSimpleKey) {  // YAML caps implicit keys at 1024 characters
          out += "? " + key + "\n";
          indent(column);
        } else {
          out += key;
        }
        out += ':';
        child(e.value, column, false);
      }
      return;
    }
    for (const Node& item : n.items) {
      if (!first || !first_inline) indent(column);
      first = false;
      out += '-';
      child(item, column, true);
    }
  }

  // The value after "key:" or "-" (`after_dash`) written at `column`.
  void child(const Node& n, int column, bool after_dash) {
    if (is_inline(n)) {
      if (!n.tag.empty()) out += " " + n.tag;
      if (!n.is_null() || n.tag.empty()) {  // "key: !reset" alone is a tagged null
        out += ' ';
        inline_value(n, column + 2);
      }
      out += '\n';
    } else if (after_dash && n.tag.empty()) {
      out += ' ';  // "- key: v" / "- - v": the nested block starts on the dash line
      block(n, column + 2, true);
    } else {
      if (!n.tag.empty()) out += " " + n.tag;
      out += '\n';
      block(n, column + 2, false);
    }
  }

  // A scalar, null or empty collection; literal block lines are indented to `content_column`.
  void inline_value(const Node& n, int content_column) {
    if (n.is_null()) {
      out += "null";
    } else if (n.is_mapping()) {
      out += "{}";
    } else if (n.is_sequence()) {
      out += "[]";
    } else if (n.style == Node::Style::Plain ? plain_scalar_ok(n.value) : plain_string_ok(n.value)) {
      out += n.value;
    } else if (yaml_literal_fits(n.value)) {
      literal(n.value, content_column);
    } else {
      out += yaml_double_quoted(n.value);
    }
  }

  void literal(const std::string& text, int content_column) {
    bool final_break = text.back() == '\n';
    out += final_break ? "|" : "|-";
    std::string_view rest(text.data(), text.size() - (final_break ? 1 : 0));
    while (true) {
      size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      out += '\n';
      if (!line.empty()) {
        indent(content_column);
        out += line;
      }
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }

  // A plain scalar must come back as a scalar with the same text: "null" or "~"
  // written bare would come back as a null node.
  static bool plain_scalar_ok(const std::string& text) {
    return yaml_plain_is_safe(text) && text != "~" && text != "null" && text != "Null" && text != "NULL";
  }

  static bool plain_string_ok(const std::string& text) {
    return yaml_plain_is_safe(text) && yaml_plain_is_string(text);
  }

  static std::string key_text(const std::string& key) {
    return plain_string_ok(key) ? key : yaml_double_quoted(key);
  }
};

// ---------------------------------------------------------------- JSON

bool is_json_literal(const std::string& text) {
  if (text == "true" || text == "false") return true;
  static const std::regex kNumber(R"(^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$)");
  char c = text.empty() ? 'x' : text.front();
  return (c == '-' || (c >= '0' && c <= '9')) && std::regex_match(text, kNumber);
}

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty) : pretty_(pretty) {}
  std::string out;

  void value(const Node& n, int depth) {
    switch (n.kind) {
      case Node::Kind::Null: out += "null"; return;
      case Node::Kind::Scalar:
        if (n.style == Node::Style::Plain && is_json_literal(n.value))
          out += n.value;
        else
          string(n.value);
        return;
      case Node::Kind::Sequence:
        collection('[', ']', n.items.size(), depth, [&](size_t i) { value(n.items[i], depth + 1); });
        return;
      case Node::Kind::Mapping:
        collection('{', '}', n.entries.size(), depth, [&](size_t i) {
          string(n.entries[i].key);
          out += pretty_ ? ": " : ":";
          value(n.entries[i].value, depth + 1);
        });
        return;
    }
  }

 private:
  template <typename WriteItem>
  void collection(char open, char close, size_t count, int depth, WriteItem write_item) {
    out += open;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) out += ',';
      newline(depth + 1);
      write_item(i);
    }
    if (count > 0) newline(depth);
    out += close;
  }

  void newline(int depth) {
    if (!pretty_) return;
    out += '\n';
    out.append(static_cast<size_t>(depth) * 2, ' ');
  }

  void string(const std::string& text) {
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  bool pretty_;
};

}  // namespace

std::string emit_yaml(const Node& root) {
  YamlWriter w;
  w.root(root);
  return std::move(w.out);
}

std::string emit_json(const Node& root, bool pretty) {
  JsonWriter w(pretty);
  w.value(root, 0);
  if (pretty) w.out += '\n';
  return std::move(w.out);
}

void escape_dollars(Node& root) {
  if (root.is_scalar()) {
    std::string out;
    for (char c : root.value) {
      out += c;
      if (c == '$') out += '$';
    }
    root.value = std::move(out);
  }
  for (Node& item : root.items) escape_dollars(item);
  for (Entry& e : root.entries) escape_dollars(e.value);
}

}  // namespace stack::compose
