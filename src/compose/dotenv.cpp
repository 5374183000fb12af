#include "compose/dotenv.hpp"

#include <map>
#include <memory>

#include "base/error.hpp"
#include "base/files.hpp"
#include "compose/interpolate.hpp"

namespace stack::compose {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Whitespace inside a line (compose's isSpace): never the line break.
bool is_inline_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }
bool is_space(char c) { return is_inline_space(c) || c == '\n'; }

// compose accepts letters, digits and _ . - [ ] in names; any non-ASCII byte is taken as part
// of a (Unicode) letter.
bool is_key_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '[' || c == ']';
}

std::string rtrim(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Windows files: a BOM in front and CRLF line ends, also inside multi-line quoted values.
std::string normalize_text(std::string_view content) {
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  std::string out;
  out.reserve(content.size());
  for (size_t i = 0; i < content.size(); ++i)
    if (!(content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n')) out += content[i];
  return out;
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// Escapes of double-quoted values, as compose: \a \b \f \n \r \t \v \\ and \0NNN (octal) become
// the character; \$ becomes "$$" so that expansion yields a literal '$'; any other backslash stays.
// (\" was already resolved while finding the closing quote.)
std::string unescape_double_quoted(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[i + 1];
    std::string_view simple = "abfnrtv\\";
    std::string_view value = "\a\b\f\n\r\t\v\\";
    if (auto k = simple.find(c); k != std::string_view::npos) {
      out += value[k];
      ++i;
    } else if (c == '$') {
      out += "$$";
      ++i;
    } else if (c == '0' && i + 4 < s.size() && is_octal(s[i + 2]) && is_octal(s[i + 3]) && is_octal(s[i + 4])) {
      out += static_cast<char>(((s[i + 2] - '0') << 6) | ((s[i + 3] - '0') << 3) | (s[i + 4] - '0'));
      i += 4;
    } else {
      out += '\\';
    }
  }
  return out;
}

class DotenvParser {
 public:
  DotenvParser(std::string_view content, const std::string& filename, const Lookup& lookup, Warnings* warnings)
      : text_(normalize_text(content)), file_(std::make_shared<const std::string>(filename)), lookup_(lookup),
        warnings_(warnings) {}

  Pairs parse() {
    while (next_statement()) statement();
    return std::move(result_);
  }

 private:
  // Skips blank space and full-line comments; false at the end of the text.
  bool next_statement() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (is_space(c)) {
        if (c == '\n') ++line_;
        ++pos_;
      } else {
        return true;
      }
    }
    return false;
  }

  void statement() {
    start_line_ = line_;
    skip_export();
    bool inherited = false;
    std::string key = read_key(inherited);
    if (inherited) {
      // A bare KEY takes its value from the lookup, and is left out when the lookup has none.
      if (auto value = lookup_(key)) define(key, *value);
      return;
    }
    while (pos_ < text_.size() && is_inline_space(text_[pos_])) ++pos_;
    char c = pos_ < text_.size() ? text_[pos_] : '\0';
    if (c == '\'') {
      define(key, read_quoted(c));  // literal: no escapes but \', no expansion
    } else if (c == '"') {
      define(key, expand(unescape_double_quoted(read_quoted(c))));
    } else {
      define(key, expand(read_unquoted()));
    }
  }

  void skip_export() {
    std::string_view rest = std::string_view(text_).substr(pos_);
    if (rest.substr(0, 6) != "export" || rest.size() < 7 || !is_inline_space(rest[6])) return;
    pos_ += 6;
    while (pos_ < text_.size() && is_inline_space(text_[pos_])) ++pos_;
  }

  // The name up to '=' or ':' (yaml style, accepted like compose), or up to the end of the line
  // for a bare KEY (then `inherited`). Leaves pos_ after the separator.
  std::string read_key(bool& inherited) {
    size_t end = pos_;
    while (end < text_.size()) {
      char c = text_[end];
      if (c == '=' || c == ':' || c == '\n') break;
      if (!is_inline_space(c) && !is_key_char(c))
        throw error("unexpected character \"" + std::string(1, c) + "\" in variable name \"" + current_line() + "\"");
      ++end;
    }
    inherited = end == text_.size() || text_[end] == '\n';
    std::string key = rtrim(std::string_view(text_).substr(pos_, end - pos_));
    if (key.empty()) throw error("missing variable name in \"" + current_line() + "\"");
    for (char c : key)
      if (is_inline_space(c)) throw error("key cannot contain a space");
    pos_ = inherited ? end : end + 1;
    return key;
  }

  // Up to the end of the line; a " #" starts a comment; trailing blanks go.
  std::string read_unquoted() {
    size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    std::string_view value = std::string_view(text_).substr(pos_, end - pos_);
    // Leading blanks were skipped already, so "KEY= #x" is "#x", as in compose.
    if (auto hash = value.find(" #"); hash != std::string_view::npos) value = value.substr(0, hash);
    pos_ = end;
    return rtrim(value);
  }

  // From the opening quote at pos_ to the matching one, across lines. A backslash before the
  // quote character drops out; any other backslash pair is kept for unescape_double_quoted.
  std::string read_quoted(char quote) {
    std::string out;
    int lines = 0;
    for (size_t i = pos_ + 1; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '\n') ++lines;
      if (c == '\\' && i + 1 < text_.size()) {
        char next = text_[++i];
        if (next == '\n') ++lines;
        if (next != quote) out += '\\';
        out += next;
      } else if (c == quote) {
        pos_ = i + 1;
        line_ += lines;
        return out;
      } else {
        out += c;
      }
    }
    throw error("unterminated quoted value " + current_line());
  }

  // ${VAR} forms, looking first at variables defined earlier in this file, then the lookup.
  std::string expand(const std::string& value) {
    Lookup lookup = [this](const std::string& key) -> std::optional<std::string> {
      if (auto it = index_.find(key); it != index_.end()) return result_[it->second].second;
      return lookup_(key);
    };
    return interpolate_string(value, lookup, Mark{file_, start_line_, 0}, "", warnings_);
  }

  void define(const std::string& key, std::string value) {
    auto [it, inserted] = index_.emplace(key, result_.size());
    if (inserted)
      result_.emplace_back(key, std::move(value));
    else
      result_[it->second].second = std::move(value);
  }

  // The current line from pos_, for messages.
  std::string current_line() const {
    size_t end = text_.find('\n', pos_);
    return text_.substr(pos_, end == std::string::npos ? std::string::npos : end - pos_);
  }

  Error error(const std::string& what) const {
    return Error(*file_ + ":" + std::to_string(start_line_) + ": " + what);
  }

  std::string text_;
  std::shared_ptr<const std::string> file_;
  const Lookup& lookup_;
  Warnings* warnings_;
  size_t pos_ = 0;
  int line_ = 1;
  int start_line_ = 1;
  Pairs result_;
  std::map<std::string, size_t> index_;
};

}  // namespace

Pairs parse_dotenv(std::string_view content, const std::string& filename, const Lookup& lookup, Warnings* warnings) {
  return DotenvParser(content, filename, lookup, warnings).parse();
}

Pairs read_dotenv(const std::string& path, const Lookup& lookup, Warnings* warnings) {
  return parse_dotenv(base::read_file(path), path, lookup, warnings);
}

}  // namespace stack::compose
