#include "engine/build/dockerfile_lines.hpp"

#include <set>

#include "base/error.hpp"
#include "base/strings.hpp"
#include "engine/build/words_blank.hpp"

namespace stack::engine::build {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

bool is_comment_or_blank(std::string_view line) {
  std::string_view t = trim_left(line);
  return t.empty() || t.front() == '#';
}

// `# key = value` as a directive's key (lower-cased) and value; nullopt when the line is not
// of that shape.
std::optional<std::pair<std::string, std::string>> directive(std::string_view line) {
  std::string_view s = trim_left(line);
  if (s.empty() || s.front() != '#') return std::nullopt;
  s = trim_left(s.substr(1));
  std::size_t n = 0;
  if (s.empty() || !is_alpha(s.front())) return std::nullopt;
  while (n < s.size() && is_alnum(s[n])) ++n;
  std::string key = base::to_lower(s.substr(0, n));
  s = trim_left(s.substr(n));
  if (s.empty() || s.front() != '=') return std::nullopt;
  std::string_view value = trim_right(trim_left(s.substr(1)));
  if (value.empty()) return std::nullopt;
  return std::make_pair(key, std::string(value));
}

// Removes a line-continuation escape (the escape character last, bar trailing blanks, and
// not itself escaped) and says whether there was one.
bool strip_continuation(std::string_view line, char escape, std::string* out) {
  std::string_view t = line;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  bool continued = !t.empty() && t.back() == escape && (t.size() == 1 || t[t.size() - 2] != escape);
  *out = continued ? std::string(t.substr(0, t.size() - 1)) : std::string(line);
  return continued;
}

std::string_view strip_tabs(std::string_view line) {
  while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
  return line;
}

}  // namespace

void fail_at(const std::string& name, int line, const std::string& message) {
  throw Error(name + ":" + std::to_string(line) + ": " + message);
}

DockerfileLines::DockerfileLines(std::string_view text, std::string name) : name_(std::move(name)) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines_.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

char DockerfileLines::read_directives() {
  char escape = '\\';
  std::set<std::string> seen;
  while (next_ < lines_.size()) {
    auto d = directive(lines_[next_]);
    if (!d || (d->first != "escape" && d->first != "syntax" && d->first != "check")) break;
    ++next_;
    if (!seen.insert(d->first).second) fail_at(name_, line(), "only one " + d->first + " parser directive can be used");
    if (d->first != "escape") continue;
    if (d->second != "\\" && d->second != "`") {
      fail_at(name_, line(), "invalid escape token '" + d->second + "' does not match ` or \\");
    }
    escape = d->second[0];
  }
  return escape;
}

std::optional<LogicalLine> DockerfileLines::next_instruction(char escape) {
  while (next_ < lines_.size()) {
    std::string_view first = lines_[next_++];
    if (is_comment_or_blank(first)) continue;
    LogicalLine out{line(), {}};
    bool continued = strip_continuation(trim_left(first), escape, &out.text);
    // Docker skips comment and blank lines inside a continuation, and keeps the leading
    // blanks of the lines it joins.
    while (continued && next_ < lines_.size()) {
      std::string_view more = lines_[next_++];
      if (is_comment_or_blank(more)) continue;
      std::string piece;
      continued = strip_continuation(more, escape, &piece);
      out.text += piece;
    }
    if (trim_left(out.text).empty()) continue;
    return out;
  }
  return std::nullopt;
}

bool DockerfileLines::read_heredoc(Heredoc& doc) {
  while (next_ < lines_.size()) {
    std::string_view body = lines_[next_++];
    if (doc.chomp) body = strip_tabs(body);
    if (body == doc.name) return true;
    doc.content.append(body).push_back('\n');
  }
  return false;
}

}  // namespace stack::engine::build
