#include "compose/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "base/files.hpp"
#include "compose/codec.hpp"
#include "compose/discovery.hpp"
#include "compose/dotenv.hpp"
#include "compose/extends.hpp"
#include "compose/include.hpp"
#include "compose/interpolate.hpp"
#include "compose/merge.hpp"
#include "compose/normalize.hpp"
#include "compose/parse.hpp"
#include "compose/paths.hpp"
#include "compose/profiles.hpp"
#include "compose/validate.hpp"

namespace stack::compose {
namespace {

namespace fs = std::filesystem;

std::string parent_dir(const std::string& file) { return fs::path(file).parent_path().string(); }

// One load: the options, the warnings, and the state that spans files (caches, cycle checks).
class Loader {
 public:
  explicit Loader(const LoadOptions& opts) : opts_(opts) {}

  LoadResult run();

 private:
  Environment load_environment(const std::string& dir, const std::vector<std::string>& env_files,
                               const Environment& over) const;
  std::string read_source(const std::string& path) const;
  Node read_tree(const std::string& path, const Environment& env, const std::string& base_dir);
  Node load_files(const std::vector<std::string>& files, const Environment& env, const std::string& project_dir);
  Node load_included(const IncludeRequest& req, const Environment& parent_env);
  const Node& extended_file(const std::string& path, const Environment& env);

  const LoadOptions& opts_;
  Warnings warnings_;
  std::vector<std::string> include_stack_;
  std::map<std::string, Node> extends_cache_;
};

// Variables for interpolation: those of the env files (or <dir>/.env), with `over`
// (the shell, or the including project) winning.
Environment Loader::load_environment(const std::string& dir, const std::vector<std::string>& env_files,
                                     const Environment& over) const {
  Environment env;
  const Lookup lookup = lookup_in(over);
  std::vector<std::string> files = env_files;
  if (files.empty()) {
    const std::string dotenv = (fs::path(dir) / ".env").string();
    if (fs::is_regular_file(dotenv)) files.push_back(dotenv);
  }
  for (const auto& file : files) {
    for (auto& [k, v] : read_dotenv(file, lookup)) env[k] = v;
  }
  for (const auto& [k, v] : over) env[k] = v;
  return env;
}

std::string Loader::read_source(const std::string& path) const {
  if (path == "-") return opts_.read_stdin ? opts_.read_stdin() : base::read_stdin();
  return base::read_file(path);
}

// One file: parse, interpolate, make its relative paths absolute against `base_dir`.
Node Loader::read_tree(const std::string& path, const Environment& env, const std::string& base_dir) {
  Node tree = parse_yaml(read_source(path), path == "-" ? "(stdin)" : path);
  if (tree.is_null()) tree = Node::mapping(tree.mark);
  if (!tree.is_mapping())
    throw error_at(tree, "", "top-level object must be a mapping, not a " + std::string(tree.kind_name()));
  if (opts_.interpolate) interpolate_tree(tree, lookup_in(env), &warnings_);
  if (opts_.resolve_paths) resolve_relative_paths(tree, base_dir, opts_.home);
  return tree;
}

const Node& Loader::extended_file(const std::string& path, const Environment& env) {
  auto it = extends_cache_.find(path);
  if (it != extends_cache_.end()) return it->second;
  if (!fs::exists(path)) throw Error("extends: file " + path + " not found");
  Node tree = read_tree(path, env, parent_dir(path));
  return extends_cache_.emplace(path, std::move(tree)).first->second;
}

// Several files of one project, merged in order. Each file's includes and extends are
// resolved before it is merged, as compose does.
Node Loader::load_files(const std::vector<std::string>& files, const Environment& env, const std::string& project_dir) {
  Node merged;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    Node tree = read_tree(file, env, project_dir);
    const std::string file_dir = file == "-" ? project_dir : parent_dir(file);
    apply_include(tree, file_dir, [&](const IncludeRequest& req) { return load_included(req, env); });
    resolve_extends(tree, file == "-" ? (fs::path(project_dir) / "(stdin)").string() : file,
                    [&](const std::string& path) -> const Node& { return extended_file(path, env); });
    if (i == 0) {
      merged = std::move(tree);
    } else {
      merge_files(merged, tree);
    }
  }
  strip_reset(merged);
  return merged;
}

Node Loader::load_included(const IncludeRequest& req, const Environment& parent_env) {
  const std::string& key = req.files.front();
  if (std::find(include_stack_.begin(), include_stack_.end(), key) != include_stack_.end()) {
    std::string chain;
    for (const auto& f : include_stack_) chain += f + " -> ";
    throw error_at(req.mark, "include", "include cycle detected: " + chain + key);
  }
  for (const auto& f : req.files)
    if (!fs::exists(f)) throw error_at(req.mark, "include", "included file " + f + " not found");
  include_stack_.push_back(key);
  Environment env = load_environment(req.project_directory, req.env_files, parent_env);
  Node tree = load_files(req.files, env, req.project_directory);
  include_stack_.pop_back();
  return tree;
}

std::vector<std::string> split_list(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

LoadResult Loader::run() {
  const std::string cwd = opts_.working_dir.empty() ? fs::current_path().string() : opts_.working_dir;
  auto abs = [&](const std::string& p) { return base::absolute_from(cwd, p).string(); };
  std::vector<std::string> env_files;
  for (const auto& f : opts_.env_files) env_files.push_back(abs(f));

  // .env comes from the project directory; before the files are known that is
  // --project-directory, the first -f file's directory, or the working directory.
  std::string env_dir = opts_.project_directory.empty() ? cwd : abs(opts_.project_directory);
  if (opts_.project_directory.empty() && !opts_.files.empty() && opts_.files.front() != "-")
    env_dir = parent_dir(abs(opts_.files.front()));
  Environment env = load_environment(env_dir, env_files, opts_.environ);

  // Without -f, compose looks for the files from --project-directory when it is given.
  const std::string search_dir = opts_.files.empty() && !opts_.project_directory.empty() ? env_dir : cwd;
  std::vector<std::string> files = find_compose_files(opts_.files, env, search_dir, &warnings_);
  std::string project_dir = !opts_.project_directory.empty() ? abs(opts_.project_directory)
                            : files.front() == "-"         ? cwd
                                                           : parent_dir(files.front());
  if (project_dir != env_dir && env_files.empty()) env = load_environment(project_dir, {}, opts_.environ);

  Node tree = load_files(files, env, project_dir);
  LoadResult result;
  Project& project = result.project;
  project = decode_project(tree, &warnings_);
  project.name = resolve_project_name(opts_.project_name, env, project.name, project_dir);
  project.working_dir = project_dir;
  project.config_files = files;
  project.environment = env;

  for (const auto& name : opts_.services)
    if (!project.services.count(name)) throw Error("no such service: " + name);
  std::vector<std::string> profiles = opts_.profiles;
  if (profiles.empty() && env.count("COMPOSE_PROFILES")) profiles = split_list(env.at("COMPOSE_PROFILES"), ',');
  apply_profiles(project, profiles, opts_.services);

  if (opts_.normalize) normalize_project(project, &warnings_);
  validate_project(project, tree);
  result.warnings = std::move(warnings_);
  return result;
}

}  // namespace

LoadResult load_project(const LoadOptions& options) { return Loader(options).run(); }

}  // namespace stack::compose
