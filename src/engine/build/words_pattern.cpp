// Matching by backtracking over `*`: patterns and values are short (one variable's value).
#include "engine/build/words_pattern.hpp"

#include <vector>

namespace stack::engine::build {
namespace {

struct Token {
  enum Kind { kChar, kAny, kStar } kind;
  char c = 0;
};

std::vector<Token> compile(std::string_view pattern) {
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*') {
      tokens.push_back({Token::kStar});
    } else if (c == '?') {
      tokens.push_back({Token::kAny});
    } else if (c == '\\' && i + 1 < pattern.size()) {
      tokens.push_back({Token::kChar, pattern[++i]});
    } else {
      tokens.push_back({Token::kChar, c});
    }
  }
  return tokens;
}

// Whether all of `text` matches all of `tokens`.
bool matches(const std::vector<Token>& tokens, std::string_view text) {
  std::size_t t = 0, s = 0;
  std::size_t star = std::string::npos, star_s = 0;
  while (s < text.size()) {
    if (t < tokens.size() && tokens[t].kind == Token::kStar) {
      star = t++;
      star_s = s;
    } else if (t < tokens.size() && (tokens[t].kind == Token::kAny || tokens[t].c == text[s])) {
      ++t;
      ++s;
    } else if (star != std::string::npos) {
      t = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == Token::kStar) ++t;
  return t == tokens.size();
}

// The length of the shortest or longest prefix (suffix when `from_end`) of `value` matching.
std::size_t match_length(const std::vector<Token>& tokens, std::string_view value, bool longest, bool from_end,
                         bool* found) {
  std::size_t n = value.size();
  for (std::size_t k = 0; k <= n; ++k) {
    std::size_t len = longest ? n - k : k;
    std::string_view part = from_end ? value.substr(n - len) : value.substr(0, len);
    if (matches(tokens, part)) {
      *found = true;
      return len;
    }
  }
  *found = false;
  return 0;
}

}  // namespace

std::string trim_prefix(const std::string& value, std::string_view pattern, bool longest) {
  bool found = false;
  std::size_t len = match_length(compile(pattern), value, longest, false, &found);
  return found ? value.substr(len) : value;
}

std::string trim_suffix(const std::string& value, std::string_view pattern, bool longest) {
  bool found = false;
  std::size_t len = match_length(compile(pattern), value, longest, true, &found);
  return found ? value.substr(0, value.size() - len) : value;
}

std::string replace_pattern(const std::string& value, std::string_view pattern, const std::string& replacement,
                            bool all) {
  std::vector<Token> tokens = compile(pattern);
  std::string out;
  std::size_t start = 0;
  while (start <= value.size()) {
    bool found = false;
    std::size_t len = match_length(tokens, std::string_view(value).substr(start), true, false, &found);
    if (!found) {
      if (start < value.size()) out += value[start];
      ++start;
      continue;
    }
    out += replacement;
    if (len == 0) {  // an empty match replaces once here and moves on by one character
      if (start < value.size()) out += value[start];
      ++start;
    } else {
      start += len;
    }
    if (!all) return out + (start <= value.size() ? value.substr(start) : "");
  }
  return out;
}

}  // namespace stack::engine::build
