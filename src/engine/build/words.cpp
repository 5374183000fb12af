// Docker's shell lexer (moby/buildkit frontend/dockerfile/shell), rewritten: one pass over
// the word with a cursor; quotes, escapes and `$` forms dispatched as the lexer sees them.
#include "engine/build/words.hpp"

#include "base/error.hpp"
#include "engine/build/words_blank.hpp"
#include "engine/build/words_pattern.hpp"

namespace stack::engine::build {
namespace {

constexpr int kEnd = -1;

// A lexing failure; expand_word turns it into "failed to process \"<word>\": <message>".
struct LexError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw LexError{std::move(message)}; }

bool is_digit(int c) { return c >= '0' && c <= '9'; }
bool is_name_char(int c) { return is_digit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// POSIX special parameters: Docker reads them as one-character names (always unset).
bool is_special_param(int c) {
  return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' || c == '0';
}

class Expander {
 public:
  Expander(std::string_view src, const Lookup& lookup, char escape) : src_(src), lookup_(lookup), escape_(escape) {}

  std::string run() { return until(kEnd, false); }

 private:
  int peek() const { return pos_ < src_.size() ? static_cast<unsigned char>(src_[pos_]) : kEnd; }
  int next() { return pos_ < src_.size() ? static_cast<unsigned char>(src_[pos_++]) : kEnd; }

  // Text up to `stop` (consumed) or the end. `raw_escapes` keeps escape characters in the
  // result, for patterns that give them a meaning of their own.
  std::string until(int stop, bool raw_escapes) {
    std::string out;
    while (peek() != kEnd) {
      int c = peek();
      if (stop != kEnd && c == stop) {
        next();
        return out;
      }
      if (c == '$') {
        out += dollar();
      } else if (c == '\'') {
        out += single_quoted();
      } else if (c == '"') {
        out += double_quoted(raw_escapes);
      } else {
        next();
        if (c == escape_) {
          if (raw_escapes) out += static_cast<char>(c);
          c = next();
          if (c == kEnd) break;  // a trailing escape escapes nothing
        }
        out += static_cast<char>(c);
      }
    }
    if (stop != kEnd) fail(std::string("unexpected end of statement while looking for matching ") + char(stop));
    return out;
  }

  std::string single_quoted() {
    next();
    std::string out;
    for (int c = next();; c = next()) {
      if (c == kEnd) fail("unexpected end of statement while looking for matching single-quote");
      if (c == '\'') return out;
      out += static_cast<char>(c);
    }
  }

  // Inside double quotes the escape character escapes only `"`, `$` and itself, as in sh.
  std::string double_quoted(bool raw_escapes) {
    next();
    std::string out;
    for (;;) {
      int c = peek();
      if (c == kEnd) fail("unexpected end of statement while looking for matching double-quote");
      if (c == '"') {
        next();
        return out;
      }
      if (c == '$') {
        out += dollar();
        continue;
      }
      next();
      if (c == escape_) {
        if (raw_escapes) out += static_cast<char>(c);
        int n = peek();
        if (n == kEnd) continue;
        if (n == '"' || n == '$' || n == escape_) c = next();
      }
      out += static_cast<char>(c);
    }
  }

  std::string name() {
    std::string n;
    if (is_digit(peek())) {
      while (is_digit(peek())) n += static_cast<char>(next());
      return n;
    }
    if (is_special_param(peek())) return std::string(1, static_cast<char>(next()));
    while (is_name_char(peek())) n += static_cast<char>(next());
    return n;
  }

  std::string value_of(const std::string& n) const { return lookup_(n).value_or(""); }

  std::string dollar() {
    next();
    if (peek() != '{') {
      std::string n = name();
      return n.empty() ? "$" : value_of(n);
    }
    next();
    int c = peek();
    if (c == kEnd) fail("syntax error: missing '}'");
    if (c == '{' || c == '}' || c == ':') fail("syntax error: bad substitution");
    std::string n = name();
    int op = next();
    switch (op) {
      case kEnd: fail("syntax error: missing '}'");
      case '}': return value_of(n);
      case ':': {
        int op2 = next();
        std::string word = braced('}', false, "missing '}'");
        if (op2 != '-' && op2 != '+' && op2 != '?') {
          fail("unsupported modifier (:" + std::string(1, static_cast<char>(op2)) + ") in substitution");
        }
        return modifier(n, op2, true, word);
      }
      case '-':
      case '+':
      case '?': return modifier(n, op, false, braced('}', false, "missing '}'"));
      case '#':
      case '%': return trim_affix(n, op, braced('}', true, "missing '}'"));
      case '/': return replace(n);
      default: fail("unsupported modifier (" + std::string(1, static_cast<char>(op)) + ") in substitution");
    }
  }

  // The word inside `${...}` up to `stop`; running out of text is a missing delimiter.
  std::string braced(int stop, bool raw_escapes, const char* missing) {
    try {
      return until(stop, raw_escapes);
    } catch (const LexError&) {
      if (peek() == kEnd) fail(std::string("syntax error: ") + missing);
      throw;
    }
  }

  std::string modifier(const std::string& n, int op, bool null_is_unset, const std::string& word) const {
    std::optional<std::string> v = lookup_(n);
    bool usable = v && !(null_is_unset && v->empty());
    if (op == '-') return usable ? *v : word;
    if (op == '+') return usable ? word : "";
    if (!v) fail(n + ": " + (word.empty() ? "is not allowed to be unset" : word));
    if (!usable) fail(n + ": " + (word.empty() ? "is not allowed to be empty" : word));
    return *v;
  }

  // `#`/`##` remove the shortest/longest matching prefix, `%`/`%%` the suffix.
  std::string trim_affix(const std::string& n, int op, std::string pattern) const {
    bool longest = !pattern.empty() && pattern[0] == op;
    if (longest) pattern.erase(0, 1);
    std::string v = value_of(n);
    return op == '#' ? trim_prefix(v, pattern, longest) : trim_suffix(v, pattern, longest);
  }

  std::string replace(const std::string& n) {
    bool all = peek() == '/';
    if (all) next();
    std::string pattern = braced('/', true, "missing '/' in ${}");
    std::string replacement = braced('}', true, "missing '}'");  // escapes kept, as Docker
    return replace_pattern(value_of(n), pattern, replacement, all);
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  const Lookup& lookup_;
  int escape_;
};

// Go's %q, enough for messages: quotes and backslashes escaped.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string expand_word(std::string_view word, const Lookup& lookup, char escape) {
  try {
    return Expander(word, lookup, escape).run();
  } catch (const LexError& e) {
    throw Error("failed to process " + quoted(word) + ": " + e.message);
  }
}

// Docker's parseWords: quotes group, the escape character keeps the next character in the
// word; both stay in the word for expand_word to remove.
std::vector<std::string> split_words(std::string_view text, char escape) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool blank_ok = false;  // a word of only quotes is a word, empty once expanded
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool last = i + 1 == text.size();
    if (quote == 0 && is_blank(static_cast<unsigned char>(c))) {
      if (in_word && (blank_ok || !word.empty())) words.push_back(word);
      word.clear();
      in_word = blank_ok = false;
      continue;
    }
    in_word = true;
    if (quote != 0 && c == quote) {
      quote = 0;
    } else if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
      blank_ok = true;
    } else if (c == escape && quote != '\'') {
      if (last) continue;  // an escape at the very end is dropped
      word += c;
      c = text[++i];
    }
    word += c;
  }
  if (in_word && (blank_ok || !word.empty())) words.push_back(word);
  return words;
}

std::vector<std::string> expand_words(std::string_view text, const Lookup& lookup, char escape) {
  std::vector<std::string> out;
  for (const std::string& w : split_words(text, escape)) out.push_back(expand_word(w, lookup, escape));
  return out;
}

std::vector<std::pair<std::string, std::string>> split_key_values(std::string_view text, std::string_view keyword,
                                                                  char escape) {
  std::string kw(keyword);
  std::vector<std::string> words = split_words(text, escape);
  if (words.empty()) throw Error(kw + " requires at least one argument");
  if (words[0].find('=') == std::string::npos) {
    // Legacy "KEY value with spaces": the key, then all the rest as one value.
    std::string_view rest = trim(text);
    std::size_t gap = rest.find_first_of(" \t\v\f\r\n");
    if (gap == std::string_view::npos) throw Error(kw + " must have two arguments");
    return {{std::string(rest.substr(0, gap)), std::string(trim(rest.substr(gap)))}};
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& w : words) {
    std::size_t eq = w.find('=');
    if (eq == std::string::npos) {
      throw Error("Syntax error - can't find = in " + quoted(w) + ". Must be of the form: name=value");
    }
    if (eq == 0) throw Error(kw + " names can not be blank");
    pairs.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return pairs;
}

std::vector<std::pair<std::string, std::string>> expand_key_values(std::string_view text, const Lookup& lookup,
                                                                   char escape, std::string_view keyword) {
  std::vector<std::pair<std::string, std::string>> pairs = split_key_values(text, keyword, escape);
  for (auto& [key, value] : pairs) {
    key = expand_word(key, lookup, escape);
    value = expand_word(value, lookup, escape);
  }
  return pairs;
}

std::vector<std::pair<std::string, std::optional<std::string>>> expand_arg_decls(std::string_view text,
                                                                                const Lookup& lookup,
                                                                                char escape) {
  std::vector<std::pair<std::string, std::optional<std::string>>> decls;
  for (const std::string& w : split_words(text, escape)) {
    std::size_t eq = w.find('=');
    if (eq == 0) throw Error("ARG names can not be blank");
    if (eq == std::string::npos) {
      decls.emplace_back(expand_word(w, lookup, escape), std::nullopt);
    } else {
      decls.emplace_back(expand_word(w.substr(0, eq), lookup, escape), expand_word(w.substr(eq + 1), lookup, escape));
    }
  }
  return decls;
}

}  // namespace stack::engine::build
