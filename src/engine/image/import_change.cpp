// `--change` of `image import`: the Dockerfile instructions that only touch the config.
#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "engine/image/import.hpp"

namespace stack::engine::image {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Whitespace-separated words; double quotes group, a backslash escapes the next character.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false, quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      cur += text[++i];
      in_word = true;
    } else if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quoted) throw Error("unterminated quote in \"" + text + "\"");
  if (in_word) out.push_back(cur);
  return out;
}

// A JSON array of strings (exec form), or nullopt when `text` is not one (shell form).
std::optional<std::vector<std::string>> json_form(const std::string& text) {
  if (text.empty() || text.front() != '[') return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::string> command_form(const std::string& text) {
  if (auto exec = json_form(text)) return *exec;
  return {"/bin/sh", "-c", text};
}

// "k=v k2=v2" (quotes allowed), or the old "k v" form when `allow_space_form`.
std::vector<std::pair<std::string, std::string>> pairs(const std::string& text, bool allow_space_form,
                                                       const std::string& what) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> ws = words(text);
  if (ws.empty()) throw Error(what + " needs at least one argument");
  if (allow_space_form && ws.front().find('=') == std::string::npos) {
    size_t gap = text.find_first_of(" \t");
    if (gap == std::string::npos) throw Error(what + " " + text + ": a value is required");
    out.emplace_back(ws.front(), trim(text.substr(gap)));
    return out;
  }
  for (const std::string& w : ws) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) throw Error(what + ": \"" + w + "\" is not KEY=value");
    out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return out;
}

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  auto same = [&](const std::string& e) { return e.compare(0, key.size() + 1, key + "=") == 0; };
  env.erase(std::remove_if(env.begin(), env.end(), same), env.end());
  env.push_back(key + "=" + value);
}

void add_sorted(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
  std::sort(list.begin(), list.end());
}

void apply(ContainerDefaults& c, const std::string& keyword, const std::string& arg) {
  if (keyword == "CMD") {
    c.cmd = command_form(arg);
  } else if (keyword == "ENTRYPOINT") {
    c.entrypoint = command_form(arg);
  } else if (keyword == "ENV") {
    for (const auto& [k, v] : pairs(arg, true, "ENV")) set_env(c.env, k, v);
  } else if (keyword == "LABEL") {
    for (const auto& [k, v] : pairs(arg, false, "LABEL")) c.labels[k] = v;
  } else if (keyword == "WORKDIR") {
    if (arg.empty()) throw Error("WORKDIR needs a path");
    c.working_dir = arg.front() == '/' ? arg : (c.working_dir.empty() ? "/" : c.working_dir + "/") + arg;
  } else if (keyword == "USER") {
    if (arg.empty()) throw Error("USER needs a user");
    c.user = arg;
  } else if (keyword == "STOPSIGNAL") {
    if (arg.empty()) throw Error("STOPSIGNAL needs a signal");
    c.stop_signal = arg;
  } else if (keyword == "EXPOSE") {
    for (const std::string& port : words(arg)) add_sorted(c.exposed_ports, port.find('/') == std::string::npos ? port + "/tcp" : port);
  } else if (keyword == "VOLUME") {
    for (const std::string& v : json_form(arg).value_or(words(arg))) add_sorted(c.volumes, v);
  } else {
    throw Error(keyword + " is not supported by import; supported: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, "
                "STOPSIGNAL, USER, VOLUME, WORKDIR");
  }
}

}  // namespace

void apply_change(ContainerDefaults& config, const std::string& change) {
  const std::string text = trim(change);
  const size_t gap = text.find_first_of(" \t");
  std::string keyword = text.substr(0, gap);
  std::transform(keyword.begin(), keyword.end(), keyword.begin(), [](unsigned char ch) { return std::toupper(ch); });
  const std::string arg = gap == std::string::npos ? std::string() : trim(text.substr(gap));
  try {
    apply(config, keyword, arg);
  } catch (const Error& e) {
    throw e.wrap("--change \"" + change + "\"");
  }
}

}  // namespace stack::engine::image
