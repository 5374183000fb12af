// The pattern language shared by .dockerignore and COPY's source wildcards: Go's
// filepath.Match syntax (`*` and `?` never match '/', `[a-z]`/`[^a-z]` classes, `\`
// escapes), plus, for .dockerignore only, moby/patternmatcher's `**`: "**/" (or "**"
// before more pattern) matches any number of whole directories, a trailing "**" matches
// anything. Also Go's filepath.Clean, which both apply to what they are given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::build {

// Lexical cleaning as Go's filepath.Clean: repeated '/' and "." components dropped, ".."
// removing the component before it (kept at the start of a relative path, dropped after
// a leading '/'), no trailing '/', "." for an empty result.
std::string clean_path(std::string_view path);

// True when `text` has a character that makes it a pattern rather than a plain name.
bool has_wildcards(std::string_view text);

class Glob {
 public:
  // Throws stack::Error "syntax error in pattern" for a bad class or a trailing '\'.
  explicit Glob(std::string_view pattern, bool double_star = false);

  bool matches(std::string_view text) const;

 private:
  enum class Kind { Literal, Any, One, Class, Dirs, Rest };
  struct Range {
    char lo, hi;
  };
  struct Token {
    Kind kind = Kind::Literal;
    char literal = 0;
    bool negated = false;
    std::vector<Range> ranges;
  };

  size_t parse_class(std::string_view pattern, size_t at, Token& token);
  bool match_from(size_t token, std::string_view text) const;
  static bool class_matches(const Token& token, char c);

  std::vector<Token> tokens_;
  std::string suffix_;  // for a pattern that starts with "**"
  bool has_suffix_ = false;
};

}  // namespace stack::engine::build
