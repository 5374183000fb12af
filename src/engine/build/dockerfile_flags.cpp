#include "engine/build/dockerfile_flags.hpp"

#include <map>
#include <set>

#include "base/error.hpp"
#include "engine/build/words_blank.hpp"

namespace stack::engine::build {
namespace {

enum class Kind { kValue, kBool, kRepeated };

using FlagTable = std::map<std::string, Kind, std::less<>>;

// The flags each instruction accepts; instructions not listed accept none.
const FlagTable& flags_of(const std::string& keyword) {
  static const std::map<std::string, FlagTable> table = {
      {"COPY",
       {{"from", Kind::kValue},
        {"chown", Kind::kValue},
        {"chmod", Kind::kValue},
        {"link", Kind::kBool},
        {"parents", Kind::kBool},
        {"exclude", Kind::kRepeated}}},
      {"ADD",
       {{"chown", Kind::kValue},
        {"chmod", Kind::kValue},
        {"link", Kind::kBool},
        {"checksum", Kind::kValue},
        {"keep-git-dir", Kind::kBool},
        {"exclude", Kind::kRepeated}}},
      {"RUN", {{"mount", Kind::kRepeated}, {"network", Kind::kValue}, {"security", Kind::kValue}}},
      {"FROM", {{"platform", Kind::kValue}}},
      {"HEALTHCHECK",
       {{"interval", Kind::kValue},
        {"timeout", Kind::kValue},
        {"start-period", Kind::kValue},
        {"start-interval", Kind::kValue},
        {"retries", Kind::kValue}}},
  };
  static const FlagTable none;
  auto it = table.find(keyword);
  return it == table.end() ? none : it->second;
}

// One word from `s` at `pos` with quotes removed; `pos` ends after it.
std::string take_word(std::string_view s, std::size_t& pos) {
  std::string word;
  char quote = 0;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (quote == 0 && is_blank(c)) break;
    if (quote != 0 && c == quote) {
      quote = 0;
    } else if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
    } else if (c == '\\' && quote != '\'') {
      if (pos + 1 < s.size()) word += s[++pos];
    } else {
      word += c;
    }
  }
  return word;
}

}  // namespace

std::string_view take_flags(std::string_view rest, std::vector<std::string>& flags) {
  std::size_t pos = 0;
  for (;;) {
    while (pos < rest.size() && is_blank(rest[pos])) ++pos;
    if (rest.substr(pos, 2) != "--") return rest.substr(pos);
    std::string word = take_word(rest, pos);
    if (word == "--") return rest.substr(pos);
    flags.push_back(std::move(word));
  }
}

void check_flags(const std::string& keyword, const std::vector<std::string>& flags) {
  const FlagTable& accepted = flags_of(keyword);
  std::set<std::string, std::less<>> seen;
  for (const std::string& flag : flags) {
    std::size_t eq = flag.find('=');
    std::string name = flag.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto it = accepted.find(name);
    if (it == accepted.end()) throw Error(keyword + ": unknown flag: --" + name);
    Kind kind = it->second;
    if (kind != Kind::kBool && eq == std::string::npos) throw Error(keyword + ": missing a value on flag: --" + name);
    if (kind == Kind::kBool && eq != std::string::npos) {
      std::string value = flag.substr(eq + 1);
      if (value != "true" && value != "false") {
        throw Error(keyword + ": expecting boolean value for flag --" + name + ", not: " + value);
      }
    }
    if (kind != Kind::kRepeated && !seen.insert(name).second) {
      throw Error(keyword + ": duplicate flag specified: --" + name);
    }
  }
}

std::string flag_value(const std::vector<std::string>& flags, std::string_view name) {
  std::string prefix = "--" + std::string(name) + "=";
  for (const std::string& flag : flags) {
    if (flag.compare(0, prefix.size(), prefix) == 0) return flag.substr(prefix.size());
  }
  return "";
}

}  // namespace stack::engine::build
