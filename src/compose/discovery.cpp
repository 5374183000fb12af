#include "compose/discovery.hpp"

#include <array>
#include <filesystem>
#include <optional>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::compose {

namespace fs = std::filesystem;

namespace {

// compose-go's DefaultFileNames and DefaultOverrideFileNames, in order of preference.
constexpr std::array<std::string_view, 4> kFileNames = {"compose.yaml", "compose.yml", "docker-compose.yml",
                                                        "docker-compose.yaml"};
constexpr std::array<std::string_view, 4> kOverrideNames = {"compose.override.yml", "compose.override.yaml",
                                                            "docker-compose.override.yml",
                                                            "docker-compose.override.yaml"};

// Absolute and lexically normal, without a trailing '/' (so that filename() names the directory).
fs::path absolute_dir(const std::string& working_dir) {
  std::string dir = base::absolute_from(fs::current_path(), working_dir.empty() ? "." : working_dir).string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// A named file resolved against the working directory; it must exist ("-" is stdin).
std::string resolve_named(const fs::path& dir, const std::string& name) {
  if (name == "-") return name;
  fs::path path = base::absolute_from(dir, name);
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error("open " + path.string() + ": no such file or directory");
  return path.string();
}

std::vector<std::string> split(const std::string& text, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + sep.size();
  }
}

std::vector<std::string> existing(const fs::path& dir, const std::array<std::string_view, 4>& names) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto name : names)
    if (fs::path path = dir / name; fs::exists(path, ec)) found.push_back(path.string());
  return found;
}

// The first of `candidates`, warning like compose when there is a choice.
std::string pick(const std::vector<std::string>& candidates, std::string_view what, Warnings* warnings) {
  if (candidates.size() > 1 && warnings) {
    std::string list;
    for (const auto& c : candidates) list += (list.empty() ? "" : ", ") + c;
    warnings->push_back("Found multiple " + std::string(what) + " with supported names: " + list);
    warnings->push_back("Using " + candidates.front());
  }
  return candidates.front();
}

// The main file and its override in the nearest directory, from `dir` upward, that has one.
std::optional<std::vector<std::string>> search_upward(fs::path dir, Warnings* warnings) {
  while (true) {
    auto candidates = existing(dir, kFileNames);
    if (!candidates.empty()) {
      std::vector<std::string> files{pick(candidates, "config files", warnings)};
      auto overrides = existing(dir, kOverrideNames);
      if (!overrides.empty()) files.push_back(pick(overrides, "override files", warnings));
      return files;
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::string env_or_empty(const Environment& env, const std::string& key) {
  auto it = env.find(key);
  return it == env.end() ? std::string() : it->second;
}

// Whether `name` is already in compose's normal form and non-empty: [a-z0-9][a-z0-9_-]*.
bool is_valid_project_name(std::string_view name) { return !name.empty() && normalize_project_name(name) == name; }

}  // namespace

std::vector<std::string> find_compose_files(const std::vector<std::string>& explicit_files, const Environment& env,
                                            const std::string& working_dir, Warnings* warnings) {
  fs::path dir = absolute_dir(working_dir);
  std::vector<std::string> files;
  for (const auto& name : explicit_files) files.push_back(resolve_named(dir, name));
  if (!files.empty()) return files;

  if (std::string list = env_or_empty(env, "COMPOSE_FILE"); !list.empty()) {
    std::string sep = env_or_empty(env, "COMPOSE_PATH_SEPARATOR");
    for (const auto& name : split(list, sep.empty() ? ":" : sep))
      if (!name.empty()) files.push_back(resolve_named(dir, name));
    if (!files.empty()) return files;
  }

  if (auto found = search_upward(dir, warnings)) return *found;
  throw Error("no configuration file provided: not found");
}

std::string normalize_project_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (keep && !(out.empty() && (c == '_' || c == '-'))) out += c;
  }
  return out;
}

void validate_project_name(std::string_view name, std::string_view source) {
  if (is_valid_project_name(name)) return;
  std::string message = "invalid project name \"" + std::string(name) +
                        "\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as "
                        "well as start with a letter or number";
  if (!source.empty()) message = std::string(source) + ": " + message;
  throw Error(message);
}

std::string resolve_project_name(const std::string& flag, const Environment& env, const std::string& yaml_name,
                                 const std::string& project_dir) {
  if (!flag.empty()) {
    validate_project_name(flag, "-p");
    return flag;
  }
  if (std::string from_env = env_or_empty(env, "COMPOSE_PROJECT_NAME"); !from_env.empty()) {
    validate_project_name(from_env, "COMPOSE_PROJECT_NAME");
    return from_env;
  }
  if (std::string from_yaml = normalize_project_name(yaml_name); !from_yaml.empty()) return from_yaml;

  // "/a/b/" and "." are named after the directory they stand for.
  std::string from_dir = normalize_project_name(absolute_dir(project_dir).filename().string());
  if (from_dir.empty()) throw Error("project name must not be empty: use -p <name> to set one");
  return from_dir;
}

}  // namespace stack::compose
