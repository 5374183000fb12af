#include "engine/build/dockerfile_heredoc.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "engine/build/words_blank.hpp"

namespace stack::engine::build {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The end of the word starting at `i`: the first unquoted, unescaped blank.
std::size_t word_end(std::string_view s, std::size_t i) {
  char quote = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"') ++i;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\') {
      ++i;
    } else if (is_blank(static_cast<unsigned char>(c))) {
      break;
    }
  }
  return std::min(i, s.size());
}

// Sets doc.name (quotes and escapes removed) and doc.expand from the raw name word; false
// when it is no name (empty, or holding `<`).
bool read_name(std::string_view raw, Heredoc& doc) {
  std::string name;
  bool quoted = false;
  char quote = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (quote != 0 && c == quote) {
      quote = 0;
    } else if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
      quoted = true;
    } else if (c == '\\' && quote != '\'' && i + 1 < raw.size()) {
      name += raw[++i];
    } else {
      name += c;
    }
  }
  if (quote != 0) throw Error("quoted heredoc quotes do not match");
  if (name.empty() || name.find('<') != std::string::npos) return false;
  doc.name = name;
  doc.expand = !quoted;
  return true;
}

// A marker starting at `i` (a word start) in `s`; `end` is set past its name.
std::optional<Heredoc> marker_at(std::string_view s, std::size_t i, std::size_t& end) {
  while (i < s.size() && is_digit(s[i])) ++i;
  end = i;
  if (s.substr(i, 2) != "<<" || s.substr(i + 2, 1) == "<") return std::nullopt;
  i += 2;
  Heredoc doc;
  doc.chomp = i < s.size() && s[i] == '-';
  if (doc.chomp) ++i;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  end = word_end(s, i);
  if (!read_name(s.substr(i, end - i), doc)) return std::nullopt;
  return doc;
}

}  // namespace

std::optional<Heredoc> heredoc_marker(std::string_view word) {
  std::size_t end = 0;
  std::optional<Heredoc> doc = marker_at(word, 0, end);
  if (!doc || end != word.size()) return std::nullopt;
  return doc;
}

std::vector<Heredoc> heredoc_markers(std::string_view rest) {
  std::vector<Heredoc> docs;
  std::size_t i = 0;
  while (i < rest.size()) {
    if (is_blank(static_cast<unsigned char>(rest[i]))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    if (auto doc = marker_at(rest, i, end)) docs.push_back(std::move(*doc));
    i = std::max(end, word_end(rest, i));
  }
  return docs;
}

const Heredoc* heredoc_of_word(const Instruction& ins, std::string_view raw_word) {
  std::optional<Heredoc> marker;
  try {
    marker = heredoc_marker(raw_word);
  } catch (const Error&) {
    return nullptr;  // an unterminated quote: the parser refused those already
  }
  if (!marker) return nullptr;
  for (const Heredoc& doc : ins.heredocs) {
    if (doc.name == marker->name) return &doc;
  }
  return nullptr;
}

}  // namespace stack::engine::build
