#include "compose/normalize.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/files.hpp"
#include "compose/dotenv.hpp"
#include "compose/paths.hpp"

namespace stack::compose {
namespace {

using DotenvEntries = std::vector<std::pair<std::string, std::string>>;

// The env and label files of one normalize_project call, parsed once each (services often
// share a file). Every file is read with the project's environment as its lookup, so a
// parse is the same whichever service asks; a file that fails throws on its first read.
class DotenvCache {
 public:
  explicit DotenvCache(const Project& project) : lookup_(lookup_in(project.environment)) {}

  const DotenvEntries& read(const std::string& absolute_path) {
    auto it = files_.find(absolute_path);
    if (it == files_.end()) it = files_.emplace(absolute_path, read_dotenv(absolute_path, lookup_)).first;
    return it->second;
  }

 private:
  Lookup lookup_;
  std::map<std::string, DotenvEntries> files_;
};

// env_file entries first (in order, later files win), then `environment` wins over
// them all; bare keys take their value from the project's environment when it has one.
void fold_environment(Service& s, const Project& project, DotenvCache& dotenv) {
  OptionalStringMap env;
  const Lookup lookup = lookup_in(project.environment);
  for (const EnvFile& f : s.env_file) {
    const std::string path = base::absolute_from(project.working_dir, f.path).string();
    if (!std::filesystem::exists(path)) {
      if (!f.required) continue;
      throw Error("services." + s.name + ".env_file: env file " + path + " not found",
                  "create it, or mark it `required: false`");
    }
    for (const auto& [k, v] : dotenv.read(path)) env[k] = v;
  }
  for (auto& [k, v] : s.environment) {
    if (v) {
      env[k] = v;
    } else if (auto value = lookup(k)) {
      env[k] = *value;
    } else if (!env.count(k)) {
      env[k] = std::nullopt;
    }
  }
  s.environment = std::move(env);
  s.env_file.clear();
}

void fold_labels(Service& s, const Project& project, DotenvCache& dotenv) {
  StringMap labels;
  for (const std::string& file : s.label_file) {
    const std::string path = base::absolute_from(project.working_dir, file).string();
    if (!std::filesystem::exists(path)) throw Error("services." + s.name + ".label_file: " + path + " not found");
    for (const auto& [k, v] : dotenv.read(path)) labels[k] = v;
  }
  for (auto& [k, v] : s.labels) labels[k] = v;
  s.labels = std::move(labels);
  s.label_file.clear();
}

void normalize_build(BuildConfig& b, const Project& project) {
  if (b.context.empty()) b.context = ".";
  if (!is_remote_context(b.context)) b.context = base::absolute_from(project.working_dir, b.context).string();
  if (b.dockerfile.empty() && b.dockerfile_inline.empty()) b.dockerfile = "Dockerfile";
  for (auto& [k, v] : b.args)
    if (!v) v = lookup_in(project.environment)(k);
}

// links, volumes_from and network_mode/ipc/pid "service:x" need x started first, so
// compose records them as dependencies too (the graph and `up` then see one list).
void add_implicit_dependencies(Service& s) {
  auto add = [&](const std::string& name) {
    if (!name.empty() && !s.depends_on.count(name)) s.depends_on[name] = ServiceDependency{};
  };
  for (const auto& link : s.links) add(link.substr(0, link.find(':')));
  for (const auto& from : s.volumes_from)
    if (from.rfind("container:", 0) != 0) add(from.substr(0, from.find(':')));
  for (const std::string* mode : {&s.network_mode, &s.ipc, &s.pid})
    if (mode->rfind("service:", 0) == 0) add(mode->substr(8));
}

void normalize_service(Service& s, const Project& project, DotenvCache& dotenv) {
  fold_environment(s, project, dotenv);
  fold_labels(s, project, dotenv);
  if (s.build) normalize_build(*s.build, project);
  if (s.network_mode.empty() && s.networks.empty()) s.networks["default"] = std::nullopt;
  if (s.pull_policy == "if_not_present") s.pull_policy = "missing";
  add_implicit_dependencies(s);
  for (auto& v : s.volumes) {
    if (v.type == "bind" && !v.source.empty())
      v.source = base::absolute_from(project.working_dir, v.source).string();
  }
}

// Engine names: `project_key` unless the file sets name:, or the object is external
// (then it is found under its key, or name:, as it is).
template <class T>
void name_objects(std::map<std::string, T>& objects, const std::string& project) {
  for (auto& [key, obj] : objects) {
    if (!obj.name.empty()) continue;
    obj.name = obj.external ? key : project + "_" + key;
  }
}

bool uses_default_network(const Project& p) {
  for (const auto& [name, s] : p.services)
    if (s.networks.count("default")) return true;
  return false;
}

}  // namespace

void normalize_project(Project& project, Warnings*) {
  DotenvCache dotenv(project);
  for (auto& [name, s] : project.services) normalize_service(s, project, dotenv);
  if (uses_default_network(project) && !project.networks.count("default")) {
    Network net;
    net.key = "default";
    project.networks["default"] = net;
  }
  name_objects(project.networks, project.name);
  name_objects(project.volumes, project.name);
  name_objects(project.secrets, project.name);
  name_objects(project.configs, project.name);
  for (auto& [key, obj] : project.secrets)
    if (!obj.file.empty()) obj.file = base::absolute_from(project.working_dir, obj.file).string();
  for (auto& [key, obj] : project.configs)
    if (!obj.file.empty()) obj.file = base::absolute_from(project.working_dir, obj.file).string();
}

}  // namespace stack::compose
