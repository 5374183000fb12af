#include "engine/build/ignore_pattern.hpp"

#include "base/error.hpp"

namespace stack::engine::build {

namespace {

[[noreturn]] void bad_pattern() { throw Error("syntax error in pattern"); }

// The length of the UTF-8 sequence `lead` starts, so that `?` takes one character.
size_t char_length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

}  // namespace

std::string clean_path(std::string_view path) {
  const bool rooted = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part != "..") {
      parts.push_back(part);
    } else if (!parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (!rooted) {
      parts.push_back(part);  // a leading ".." of a relative path stays; "/.." is "/"
    }
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

bool has_wildcards(std::string_view text) { return text.find_first_of("*?[\\") != std::string_view::npos; }

Glob::Glob(std::string_view pattern, bool double_star) {
  // patternmatcher's "suffix match": a pattern that starts with "**" also matches any
  // path that ends with the rest of it taken literally ("**foo" matches "xfoo").
  if (double_star && pattern.substr(0, 2) == "**") {
    suffix_ = std::string(pattern.substr(2));
    has_suffix_ = true;
  }
  size_t i = 0;
  while (i < pattern.size()) {
    Token token;
    const char c = pattern[i];
    if (c == '*' && double_star && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      i += 2;
      if (i < pattern.size() && pattern[i] == '/') ++i;  // "**/" is "**"
      token.kind = i == pattern.size() ? Kind::Rest : Kind::Dirs;
    } else if (c == '*') {
      token.kind = Kind::Any;
      ++i;
    } else if (c == '?') {
      token.kind = Kind::One;
      ++i;
    } else if (c == '[') {
      token.kind = Kind::Class;
      i = parse_class(pattern, i + 1, token);
    } else if (c == '\\') {
      if (i + 1 == pattern.size()) bad_pattern();
      token.literal = pattern[i + 1];
      i += 2;
    } else {
      token.literal = c;
      ++i;
    }
    tokens_.push_back(std::move(token));
  }
}

// Go's class syntax: '^' negates; each item is a character or a range "a-z"; an
// unescaped '-' or ']' where a character is expected, an empty class or a missing ']'
// is a syntax error.
size_t Glob::parse_class(std::string_view pattern, size_t at, Token& token) {
  auto take_char = [&](char& out) {
    if (at >= pattern.size() || pattern[at] == '-' || pattern[at] == ']') bad_pattern();
    if (pattern[at] == '\\' && ++at >= pattern.size()) bad_pattern();
    out = pattern[at++];
  };
  if (at < pattern.size() && pattern[at] == '^') {
    token.negated = true;
    ++at;
  }
  for (;;) {
    if (at >= pattern.size()) bad_pattern();
    if (pattern[at] == ']' && !token.ranges.empty()) return at + 1;
    Range range{};
    take_char(range.lo);
    range.hi = range.lo;
    if (at < pattern.size() && pattern[at] == '-') {
      ++at;
      take_char(range.hi);
    }
    token.ranges.push_back(range);
  }
}

bool Glob::class_matches(const Token& token, char c) {
  bool in = false;
  for (const Range& range : token.ranges) in = in || (range.lo <= c && c <= range.hi);
  return in != token.negated;
}

bool Glob::matches(std::string_view text) const {
  if (has_suffix_ && text.size() >= suffix_.size() && text.substr(text.size() - suffix_.size()) == suffix_) return true;
  return match_from(0, text);
}

bool Glob::match_from(size_t index, std::string_view text) const {
  if (index == tokens_.size()) return text.empty();
  const Token& token = tokens_[index];
  switch (token.kind) {
    case Kind::Literal: return !text.empty() && text.front() == token.literal && match_from(index + 1, text.substr(1));
    case Kind::One:
      if (text.empty() || text.front() == '/') return false;
      return match_from(index + 1, text.substr(std::min(text.size(), char_length(text.front()))));
    case Kind::Class:
      return !text.empty() && class_matches(token, text.front()) && match_from(index + 1, text.substr(1));
    case Kind::Any:
      for (size_t k = 0; k <= text.size(); ++k) {
        if (match_from(index + 1, text.substr(k))) return true;
        if (k < text.size() && text[k] == '/') return false;
      }
      return false;
    case Kind::Dirs:  // "(.*/)?": nothing, or everything up to and including some '/'
      if (match_from(index + 1, text)) return true;
      for (size_t k = 0; k < text.size(); ++k)
        if (text[k] == '/' && match_from(index + 1, text.substr(k + 1))) return true;
      return false;
    case Kind::Rest: return true;
  }
  return false;
}

}  // namespace stack::engine::build
