#include "compose/interpolate.hpp"

#include <algorithm>
#include <optional>

namespace stack::compose {

namespace {

bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

size_t scan_name(std::string_view text, size_t pos) {
  if (pos >= text.size() || !is_name_start(text[pos])) return pos;
  while (pos < text.size() && is_name_char(text[pos])) ++pos;
  return pos;
}

// The template as compose prints it (Go's %#v of a string).
std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// Index of the '}' closing the "${" that starts at `open`, counting nested "${".
std::optional<size_t> closing_brace(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (text[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::nullopt;
}

// One interpolation of one string: holds what error messages and warnings need.
class Interpolator {
 public:
  Interpolator(std::string_view whole, const Lookup& lookup, const Mark& mark, std::string_view path,
               Warnings* warnings)
      : whole_(whole), lookup_(lookup), mark_(mark), path_(path), warnings_(warnings) {}

  std::string run(std::string_view text) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
      if (text[i] != '$' || i + 1 >= text.size()) {
        out += text[i++];  // includes a '$' at the very end, which compose keeps
        continue;
      }
      char next = text[i + 1];
      if (next == '$') {
        out += '$';
        i += 2;
      } else if (is_name_start(next)) {
        size_t end = scan_name(text, i + 1);
        out += plain(text.substr(i + 1, end - i - 1));
        i = end;
      } else if (next == '{') {
        auto close = closing_brace(text, i);
        if (!close) throw invalid();
        out += braced(text.substr(i + 2, *close - i - 2));
        i = *close + 1;
      } else {
        out += text[i++];  // "$" before a non-name char stays as is, like compose
      }
    }
    return out;
  }

 private:
  // $VAR and ${VAR}: unset gives "" and a warning.
  std::string plain(std::string_view name) {
    std::string key(name);
    if (auto value = lookup_(key)) return *value;
    warn_unset(key);
    return "";
  }

  // The inside of ${...}: NAME, or NAME followed by one of :- - :+ + :? ? and an argument.
  std::string braced(std::string_view body) {
    size_t name_end = scan_name(body, 0);
    if (name_end == 0) throw invalid();
    if (name_end == body.size()) return plain(body);
    std::string name(body.substr(0, name_end));
    size_t op = name_end;
    bool colon = body[op] == ':';
    if (colon) ++op;
    if (op >= body.size() || (body[op] != '-' && body[op] != '+' && body[op] != '?')) throw invalid();
    std::string_view arg = body.substr(op + 1);
    std::optional<std::string> value = lookup_(name);
    bool present = value && (!colon || !value->empty());
    switch (body[op]) {
      case '-': return present ? *value : run(arg);  // the default is only expanded when used
      case '+': return present ? run(arg) : value.value_or("");
      default: break;  // '?'
    }
    if (present) return *value;
    std::string reason = run(arg);
    std::string message = "required variable " + name + " is missing a value";
    if (!reason.empty()) message += ": " + reason;
    throw error_at(mark_, path_, message);
  }

  void warn_unset(const std::string& name) {
    if (!warnings_) return;
    std::string text = "The \"" + name + "\" variable is not set. Defaulting to a blank string.";
    if (std::find(warnings_->begin(), warnings_->end(), text) == warnings_->end()) warnings_->push_back(text);
  }

  // compose: `invalid interpolation format for <path>.\nYou may need to escape any $ with another $.\n<text>`;
  // the path is already in our sentence, so it is not repeated by error_at.
  Error invalid() const {
    std::string message = "invalid interpolation format";
    if (!path_.empty()) message += " for " + std::string(path_);
    message += ": " + go_quote(whole_);
    return error_at(mark_, "", message, "You may need to escape any $ with another $.");
  }

  std::string_view whole_;
  const Lookup& lookup_;
  const Mark& mark_;
  std::string_view path_;
  Warnings* warnings_;
};

}  // namespace

std::string interpolate_string(std::string_view text, const Lookup& lookup, const Mark& mark, std::string_view path,
                               Warnings* warnings) {
  if (text.find('$') == std::string_view::npos) return std::string(text);
  return Interpolator(text, lookup, mark, path, warnings).run(text);
}

namespace {

// Walks the tree with one path buffer that grows and shrinks as it descends: building a
// new path string per node cost a fifth of a 500-service load.
void interpolate_node(Node& node, const Lookup& lookup, Warnings* warnings, std::string& path) {
  switch (node.kind) {
    case Node::Kind::Scalar:
      // Only the text changes: style (quoted or plain) and tag stay, so "${PORT}" unquoted still
      // decodes as a number later. Text without '$' has nothing to substitute.
      if (node.value.find('$') != std::string::npos)
        node.value = interpolate_string(node.value, lookup, node.mark, path, warnings);
      break;
    case Node::Kind::Sequence:
      for (size_t i = 0; i < node.items.size(); ++i) {
        const size_t len = path.size();
        path += '[';
        path += std::to_string(i);
        path += ']';
        interpolate_node(node.items[i], lookup, warnings, path);
        path.resize(len);
      }
      break;
    case Node::Kind::Mapping:
      for (auto& entry : node.entries) {
        const size_t len = path.size();
        if (len) path += '.';
        path += entry.key;
        interpolate_node(entry.value, lookup, warnings, path);
        path.resize(len);
      }
      break;
    case Node::Kind::Null:
      break;
  }
}

}  // namespace

void interpolate_tree(Node& root, const Lookup& lookup, Warnings* warnings, std::string_view path) {
  std::string buffer(path);
  interpolate_node(root, lookup, warnings, buffer);
}

}  // namespace stack::compose
