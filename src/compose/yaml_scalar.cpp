#include "compose/yaml_scalar.hpp"

#include <array>
#include <regex>

namespace stack::compose {
namespace {

// Length of the UTF-8 sequence at text[i] and its code point; 0 when invalid
// (bad lead byte, truncated, overlong, surrogate or past U+10FFFF).
size_t decode_utf8(std::string_view text, size_t i, char32_t& cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > text.size()) return 0;
  cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr std::array<char32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Code points YAML wants escaped: C0/C1 controls, DEL, the Unicode line
// breaks YAML 1.1 honours (NEL, LS, PS), the BOM and the non-characters.
bool needs_escape(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
         cp == 0xFFFE || cp == 0xFFFF;
}

// Every character valid UTF-8 and printable; '\n' too when `allow_newline`.
bool all_printable(std::string_view text, bool allow_newline) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t len = decode_utf8(text, i, cp);
    if (len == 0) return false;
    if (needs_escape(cp) && !(allow_newline && cp == '\n')) return false;
    i += len;
  }
  return true;
}

bool is_reserved_word(std::string_view text) {
  // YAML 1.1 and 1.2 null and bool spellings, plus 1.1's value key "=" and merge key "<<".
  static constexpr std::array<std::string_view, 28> kWords = {
      "~",  "null", "Null", "NULL", "y",    "Y",     "yes",   "Yes", "YES", "n",
      "N",  "no",   "No",   "NO",   "true", "True",  "TRUE",  "false", "False", "FALSE",
      "on", "On",   "ON",   "off",  "Off",  "OFF",   "=",     "<<"};
  for (std::string_view w : kWords)
    if (w == text) return true;
  return false;
}

bool looks_like_number_or_date(std::string_view text) {
  // Ints (decimal, 1.1 octal 010, 0o17, 0x1F, 0b101, 1_000, sexagesimal 1:30),
  // floats (1.5, .5, 1e3, 1:30.5, .inf, .nan) and YAML 1.1 timestamps.
  static const std::regex kNumber(
      R"(^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)"
      R"(|(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|\.(inf|Inf|INF)|\.(nan|NaN|NAN))$)");
  static const std::regex kDate(R"(^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+).*)?$)");
  std::string s(text);
  return std::regex_match(s, kNumber) || std::regex_match(s, kDate);
}

}  // namespace

bool yaml_plain_is_safe(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.back() == ':') return false;
  // Indicators that start something else than a plain scalar. A '-' followed by
  // a non-space is fine ("-x", "--flag", "-1"), except "---" (document start).
  static constexpr std::string_view kIndicators = ",[]{}#&*!|>'\"%@`?:";
  if (kIndicators.find(text.front()) != std::string_view::npos) return false;
  if (text.front() == '-' && (text.size() == 1 || text[1] == ' ' || text.substr(0, 3) == "---")) return false;
  if (text.substr(0, 3) == "...") return false;  // document end marker
  if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos) return false;
  return all_printable(text, false);
}

bool yaml_plain_is_string(std::string_view text) {
  if (text.empty() || is_reserved_word(text)) return false;
  char c = text.front();
  bool numeric_start = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
  return !(numeric_start && looks_like_number_or_date(text));
}

std::string yaml_double_quoted(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t len = decode_utf8(text, i, cp);
    if (len == 0) {  // not UTF-8: YAML cannot carry the byte, so it becomes U+FFFD (as in JSON)
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x80 && needs_escape(cp)) {
      out += "\\x";
      out += kHex[cp >> 4];
      out += kHex[cp & 0xF];
    } else if (needs_escape(cp)) {
      // \u rather than \N/\L/\P: every YAML reader knows it.
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  out += '"';
  return out;
}

bool yaml_literal_fits(std::string_view text) {
  if (text.find('\n') == std::string_view::npos) return false;
  // `|` keeps one final line break and `|-` none; more would need `|+`, which we avoid.
  if (text.size() >= 2 && text.substr(text.size() - 2) == "\n\n") return false;
  if (!all_printable(text, true)) return false;
  bool seen_content = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty()) {
      if (line.back() == ' ') return false;
      // The first content line fixes the block's indentation: it may not start with a space.
      if (!seen_content && line.front() == ' ') return false;
      seen_content = true;
    }
    start = end + 1;
  }
  return seen_content;
}

}  // namespace stack::compose
