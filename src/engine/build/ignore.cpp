#include "engine/build/ignore.hpp"

#include <filesystem>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/strings.hpp"

namespace stack::engine::build {

namespace {

std::string_view trim(std::string_view text) {
  const char* spaces = " \t\r\n\v\f";
  const size_t first = text.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

}  // namespace

IgnoreRules IgnoreRules::parse(std::string_view text, const std::string& origin) {
  IgnoreRules rules;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (++line_number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    // A comment is a '#' in the first column only: " #x" is a pattern, as in Docker.
    if (!line.empty() && line.front() == '#') continue;
    line = trim(line);
    if (line.empty()) continue;
    const bool exclusion = line.front() == '!';
    if (exclusion) line = trim(line.substr(1));
    const std::string where = origin + ":" + std::to_string(line_number) + ": ";
    if (line.empty()) throw Error(where + "illegal exclusion pattern: \"!\"");
    std::string glob = clean_path(line);
    if (glob.size() > 1 && glob.front() == '/') glob.erase(0, 1);
    try {
      Glob matcher(glob, true);
      rules.patterns_.push_back(Pattern{glob, exclusion, std::move(matcher)});
    } catch (const Error& e) {
      throw e.wrap(where + "bad pattern \"" + std::string(line) + "\"");
    }
  }
  return rules;
}

IgnoreRules IgnoreRules::load(const std::string& context_dir) {
  const std::filesystem::path file = std::filesystem::path(context_dir) / ".dockerignore";
  std::optional<std::string> text = base::read_file_if_exists(file);
  return text ? parse(*text, file.string()) : IgnoreRules{};
}

// The pattern matches the path itself or one of its parent directories: excluding a
// directory excludes what is under it.
bool IgnoreRules::matches(const Pattern& pattern, std::string_view path) const {
  if (pattern.matcher.matches(path)) return true;
  for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1))
    if (pattern.matcher.matches(path.substr(0, slash))) return true;
  return false;
}

bool IgnoreRules::excluded(std::string_view path) const {
  bool matched = false;
  // The last matching pattern decides, so a pattern that could not change the
  // outcome is not evaluated.
  for (const Pattern& pattern : patterns_) {
    if (pattern.exclusion != matched) continue;
    if (matches(pattern, path)) matched = !pattern.exclusion;
  }
  return matched;
}

bool IgnoreRules::may_include_beneath(std::string_view dir) const {
  const std::vector<std::string> dir_parts = base::split(dir, '/');
  for (const Pattern& pattern : patterns_) {
    if (!pattern.exclusion) continue;
    if (pattern.glob.find("**") != std::string::npos) return true;  // may match at any depth
    // Otherwise it can only match beneath `dir` when it is longer and its leading
    // components match dir's.
    const std::vector<std::string> parts = base::split(pattern.glob, '/');
    if (parts.size() <= dir_parts.size()) continue;
    bool prefix = true;
    try {
      for (size_t i = 0; prefix && i < dir_parts.size(); ++i) prefix = Glob(parts[i]).matches(dir_parts[i]);
    } catch (const Error&) {
      return true;  // a '/' inside an escape or class: cannot tell, so descend
    }
    if (prefix) return true;
  }
  return false;
}

}  // namespace stack::engine::build
