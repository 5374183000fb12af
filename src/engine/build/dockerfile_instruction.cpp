// Argument rules per instruction follow Docker's parser (moby/buildkit
// frontend/dockerfile/parser and parser/instructions); messages are Docker's.
#include "engine/build/dockerfile_instruction.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "base/duration.hpp"
#include "base/error.hpp"
#include "base/strings.hpp"
#include "engine/build/dockerfile_flags.hpp"
#include "engine/build/dockerfile_heredoc.hpp"
#include "engine/build/words_blank.hpp"
#include "engine/build/words.hpp"

namespace stack::engine::build {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// The first whitespace-delimited word of `s` and what follows it, left-trimmed.
std::pair<std::string_view, std::string_view> first_word(std::string_view s) {
  s = trim(s);
  std::size_t n = 0;
  while (n < s.size() && !is_blank(s[n])) ++n;
  return {s.substr(0, n), trim(s.substr(n))};
}

std::vector<std::string> whitespace_split(std::string_view s) {
  std::vector<std::string> words;
  for (s = trim(s); !s.empty(); s = trim(s)) {
    auto [word, rest] = first_word(s);
    words.emplace_back(word);
    s = rest;
  }
  return words;
}

[[noreturn]] void at_least_one(const std::string& keyword) { throw Error(keyword + " requires at least one argument"); }

// Exec form when `rest` is a JSON array of strings, else shell form (one string).
void exec_or_shell(Instruction& ins, std::string_view rest) {
  if (!rest.empty() && rest.front() == '[') {
    nlohmann::json j = nlohmann::json::parse(rest, nullptr, false);
    if (!j.is_discarded() && j.is_array()) {
      for (const auto& item : j) {
        if (!item.is_string()) throw Error("when using JSON array syntax, arrays must be comprised of strings only");
        ins.args.push_back(item.get<std::string>());
      }
      ins.json = true;
      return;
    }
  }
  if (!rest.empty()) ins.args.emplace_back(rest);
}

void parse_run(Instruction& ins, std::string_view rest, char) {
  exec_or_shell(ins, rest);
  if (ins.args.empty()) at_least_one(ins.keyword);
  if (!ins.json) ins.heredocs = heredoc_markers(rest);
}

void parse_cmd(Instruction& ins, std::string_view rest, char) {
  exec_or_shell(ins, rest);
  if (ins.args.empty() && !ins.json) at_least_one(ins.keyword);
}

void parse_shell(Instruction& ins, std::string_view rest, char) {
  exec_or_shell(ins, rest);
  if (ins.args.empty()) at_least_one("SHELL");
  if (!ins.json) throw Error("SHELL requires the arguments to be in JSON form");
}

void parse_copy(Instruction& ins, std::string_view rest, char escape) {
  exec_or_shell(ins, rest);
  std::vector<std::string> words = ins.json ? ins.args : split_words(rest, escape);
  if (words.size() < 2) {
    throw Error(ins.keyword +
                " requires at least two arguments, but only one was provided. Destination could not be determined");
  }
  if (ins.json) return;
  if (heredoc_marker(words.back())) throw Error(ins.keyword + " cannot accept a heredoc as a destination");
  ins.heredocs = heredoc_markers(rest);
}

void parse_volume(Instruction& ins, std::string_view rest, char) {
  exec_or_shell(ins, rest);
  if (ins.args.empty()) at_least_one("VOLUME");
  for (const std::string& v : ins.args) {
    if (trim(v).empty()) throw Error("VOLUME specified can not be an empty string");
  }
}

void parse_key_values(Instruction& ins, std::string_view rest, char escape) {
  split_key_values(rest, ins.keyword, escape);
  ins.args.emplace_back(rest);
}

void parse_arg(Instruction& ins, std::string_view rest, char escape) {
  std::vector<std::string> words = split_words(rest, escape);
  if (words.empty()) at_least_one("ARG");
  for (const std::string& w : words) {
    if (w.front() == '=') throw Error("ARG names can not be blank");
  }
  ins.args.emplace_back(rest);
}

void parse_expose(Instruction& ins, std::string_view rest, char) {
  if (rest.empty()) at_least_one("EXPOSE");
  ins.args.emplace_back(rest);
}

void parse_one(Instruction& ins, std::string_view rest, char) {
  if (rest.empty()) throw Error(ins.keyword + " requires exactly one argument");
  ins.args.emplace_back(rest);
}

// FROM image [AS name]: args are the words (unexpanded); the stage is made by the caller.
void parse_from(Instruction& ins, std::string_view rest, char) {
  std::vector<std::string> words = whitespace_split(rest);
  bool named = words.size() == 3 && upper(words[1]) == "AS";
  if (words.size() != 1 && !named) throw Error("FROM requires either one or three arguments");
  if (named) {
    std::string name = base::to_lower(words[2]);
    auto ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; };
    if (!(name.front() >= 'a' && name.front() <= 'z') || !std::all_of(name.begin(), name.end(), ok)) {
      throw Error("invalid name for build stage: \"" + words[2] +
                  "\", name can't start with a number or contain symbols");
    }
  }
  ins.args = words;
}

void check_retries(const std::vector<std::string>& flags) {
  std::string retries = flag_value(flags, "retries");
  if (retries.empty()) return;
  bool digits = std::all_of(retries.begin(), retries.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || retries.size() > 9) throw Error("HEALTHCHECK: --retries is not a number: " + retries);
  if (std::stoi(retries) < 1) throw Error("--retries must be at least 1 (not " + retries + ")");
}

// Docker checks the durations when it parses: Go durations of at least 1ms.
void check_durations(const std::vector<std::string>& flags) {
  for (const char* name : {"interval", "timeout", "start-period", "start-interval"}) {
    std::string value = flag_value(flags, name);
    if (value.empty()) continue;
    int64_t ns = 0;
    try {
      ns = base::parse_duration(value);
    } catch (const Error& e) {
      throw e.wrap(std::string("HEALTHCHECK --") + name);
    }
    if (ns < 1'000'000) throw Error(std::string("Interval \"") + name + "\" cannot be less than 1ms");
  }
}

void parse_healthcheck(Instruction& ins, std::string_view rest, char) {
  if (rest.empty()) at_least_one("HEALTHCHECK");
  auto [type_word, command] = first_word(rest);
  Instruction sub;
  sub.keyword = upper(type_word);
  sub.line = ins.line;
  sub.original = std::string(rest);
  if (sub.keyword == "NONE") {
    if (!command.empty()) throw Error("HEALTHCHECK NONE takes no arguments");
  } else if (sub.keyword == "CMD") {
    exec_or_shell(sub, command);
    if (sub.args.empty()) throw Error("Missing command after HEALTHCHECK CMD");
    check_durations(ins.flags);
    check_retries(ins.flags);
  } else {
    throw Error("Unknown type \"" + sub.keyword + "\" in HEALTHCHECK (try CMD)");
  }
  ins.sub.push_back(std::move(sub));
}

void parse_onbuild(Instruction& ins, std::string_view rest, char escape) {
  if (rest.empty()) at_least_one("ONBUILD");
  std::string trigger = upper(first_word(rest).first);
  if (trigger == "ONBUILD") throw Error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger == "FROM" || trigger == "MAINTAINER") throw Error(trigger + " isn't allowed as an ONBUILD trigger");
  ins.sub.push_back(parse_instruction(rest, ins.line, escape));
}

using ArgsParser = void (*)(Instruction&, std::string_view, char);

ArgsParser parser_of(const std::string& keyword) {
  static const std::map<std::string, ArgsParser> table = {
      {"FROM", parse_from},         {"ARG", parse_arg},
      {"ENV", parse_key_values},    {"LABEL", parse_key_values},
      {"RUN", parse_run},           {"CMD", parse_cmd},
      {"ENTRYPOINT", parse_cmd},    {"SHELL", parse_shell},
      {"COPY", parse_copy},         {"ADD", parse_copy},
      {"VOLUME", parse_volume},     {"EXPOSE", parse_expose},
      {"WORKDIR", parse_one},       {"USER", parse_one},
      {"STOPSIGNAL", parse_one},    {"MAINTAINER", parse_one},
      {"HEALTHCHECK", parse_healthcheck}, {"ONBUILD", parse_onbuild},
  };
  auto it = table.find(keyword);
  return it == table.end() ? nullptr : it->second;
}

}  // namespace

Instruction parse_instruction(std::string_view text, int line, char escape) {
  Instruction ins;
  ins.line = line;
  ins.original = std::string(trim(text));
  auto [keyword, rest] = first_word(text);
  ins.keyword = upper(keyword);
  ArgsParser parse = parser_of(ins.keyword);
  if (parse == nullptr) throw Error("unknown instruction: " + std::string(keyword));
  rest = trim(take_flags(rest, ins.flags));
  check_flags(ins.keyword, ins.flags);
  parse(ins, rest, escape);
  return ins;
}

Instruction& heredoc_owner(Instruction& ins) { return ins.keyword == "ONBUILD" ? ins.sub.front() : ins; }

}  // namespace stack::engine::build
