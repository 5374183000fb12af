// Whitespace as Docker's Dockerfile parser and lexer see it (Go's unicode.IsSpace over
// ASCII), shared by the parser and word expansion.
#pragma once

#include <string_view>

namespace stack::engine::build {

inline bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

inline std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

inline std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

inline std::string_view trim(std::string_view s) { return trim_right(trim_left(s)); }

}  // namespace stack::engine::build
