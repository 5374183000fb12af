#include "compose/validate.hpp"

#include <regex>
#include <set>

#include "compose/graph.hpp"

namespace stack::compose {
namespace {

// Finds the node at services.<svc>.<key>..., or the closest ancestor that exists,
// so an error can always point somewhere in the files.
struct Locator {
  const Node& tree;

  const Node* service(const std::string& name) const {
    const Node* services = tree.find("services");
    return services ? services->find(name) : nullptr;
  }

  // The node of `key` in the service, or inside it the list item / map key equal to `item`.
  // With `last`, the last matching item (a duplicate is reported where it repeats).
  Mark at(const std::string& svc, const std::string& key, const std::string& item = {}, bool last = false) const {
    const Node* s = service(svc);
    if (!s) return tree.mark;
    const Entry* e = s->find_entry(key);
    if (!e) return s->mark;
    if (item.empty()) return e->key_mark;
    const Node& v = e->value;
    if (const Entry* sub = v.find_entry(item)) return sub->key_mark;
    const Mark* found = nullptr;
    for (const Node& it : v.items) {
      if (it.is_scalar() && mentions(it.value, item)) found = &it.mark;
      for (const char* field : {"source", "target"}) {
        const Node* f = it.is_mapping() ? it.find(field) : nullptr;
        if (f && f->is_scalar() && f->value == item) found = &f->mark;
      }
      if (found && !last) break;
    }
    return found ? *found : e->key_mark;
  }

  // "data:/x:ro" mentions "data" and "/x": a whole colon-separated part equals `item`.
  static bool mentions(const std::string& text, const std::string& item) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(':', start);
      if (end == std::string::npos) end = text.size();
      if (text.compare(start, end - start, item) == 0) return true;
      start = end + 1;
    }
    return false;
  }
};

Error invalid(const Mark& mark, const std::string& path, const std::string& message, std::string hint = {}) {
  return error_at(mark, path, message, std::move(hint));
}

void check_service_name(const std::string& name, const Locator& loc) {
  static const std::regex valid("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  if (!std::regex_match(name, valid))
    throw invalid(loc.service(name) ? loc.service(name)->mark : loc.tree.mark, "services." + name,
                  "invalid service name \"" + name + "\": only [a-zA-Z0-9._-] are allowed, starting with a letter or digit");
}

void check_references(const Project& p, const Service& s, const Locator& loc) {
  const std::string path = "services." + s.name;
  // volumes_from and service: namespaces first: normalize made them dependencies too,
  // and their own message says more than "depends on".
  for (const auto& from : s.volumes_from) {
    if (from.rfind("container:", 0) == 0) continue;
    const std::string name = from.substr(0, from.find(':'));
    if (!p.services.count(name))
      throw invalid(loc.at(s.name, "volumes_from", name), path + ".volumes_from",
                    "service \"" + s.name + "\" mounts volumes from undefined service \"" + name + "\"");
  }
  for (const char* key : {"network_mode", "ipc", "pid"}) {
    const std::string& mode = key[0] == 'n' ? s.network_mode : key[0] == 'i' ? s.ipc : s.pid;
    if (mode.rfind("service:", 0) == 0 && !p.services.count(mode.substr(8)))
      throw invalid(loc.at(s.name, key), path + "." + key,
                    "service \"" + s.name + "\" refers to undefined service \"" + mode.substr(8) + "\"");
  }
  for (const auto& [dep, d] : s.depends_on) {
    if (p.services.count(dep) || !d.required) continue;
    throw invalid(loc.at(s.name, "depends_on", dep), path + ".depends_on",
                  "service \"" + s.name + "\" depends on undefined service \"" + dep + "\"");
  }
  for (const auto& [net, cfg] : s.networks)
    if (!p.networks.count(net))
      throw invalid(loc.at(s.name, "networks", net), path + ".networks",
                    "service \"" + s.name + "\" refers to undefined network \"" + net + "\"");
  for (const auto& v : s.volumes)
    if (v.type == "volume" && !v.source.empty() && !p.volumes.count(v.source))
      throw invalid(loc.at(s.name, "volumes", v.source), path + ".volumes",
                    "service \"" + s.name + "\" refers to undefined volume \"" + v.source + "\"",
                    "declare it under the top-level volumes: key");
  for (const auto& ref : s.secrets)
    if (!p.secrets.count(ref.source))
      throw invalid(loc.at(s.name, "secrets", ref.source), path + ".secrets",
                    "service \"" + s.name + "\" refers to undefined secret \"" + ref.source + "\"");
  for (const auto& ref : s.configs)
    if (!p.configs.count(ref.source))
      throw invalid(loc.at(s.name, "configs", ref.source), path + ".configs",
                    "service \"" + s.name + "\" refers to undefined config \"" + ref.source + "\"");
}

void check_service(const Project& p, const Service& s, const Locator& loc) {
  const std::string path = "services." + s.name;
  check_service_name(s.name, loc);
  if (s.image.empty() && !s.build)
    throw invalid(loc.service(s.name) ? loc.service(s.name)->mark : loc.tree.mark, path,
                  "service \"" + s.name + "\" has neither an image nor a build context specified");
  const int64_t replicas = s.scale.value_or(s.deploy && s.deploy->replicas ? *s.deploy->replicas : 1);
  if (s.scale && s.deploy && s.deploy->replicas && *s.scale != *s.deploy->replicas)
    throw invalid(loc.at(s.name, "scale"), path, "scale and deploy.replicas are set to different values");
  if (!s.container_name.empty() && replicas > 1)
    throw invalid(loc.at(s.name, "container_name"), path + ".container_name",
                  "container name \"" + s.container_name + "\" is unique and cannot be used with " +
                      std::to_string(replicas) + " replicas");
  if (!s.network_mode.empty() && !s.networks.empty())
    throw invalid(loc.at(s.name, "networks"), path,
                  "network_mode and networks cannot be combined: a container either uses network_mode or joins networks");
  std::set<std::string> targets;
  for (const auto& v : s.volumes)
    if (!targets.insert(v.target).second)
      throw invalid(loc.at(s.name, "volumes", v.target, true), path + ".volumes", "duplicate mount target \"" + v.target + "\"");
  static const std::regex restart("no|always|unless-stopped|on-failure(:[0-9]+)?");
  if (!s.restart.empty() && !std::regex_match(s.restart, restart))
    throw invalid(loc.at(s.name, "restart"), path + ".restart",
                  "invalid restart policy \"" + s.restart + "\": use no, always, on-failure[:max-retries] or unless-stopped");
  static const std::regex pull("always|never|missing|build|if_not_present|daily|weekly|every_[0-9]+[smhdw]");
  if (!s.pull_policy.empty() && !std::regex_match(s.pull_policy, pull))
    throw invalid(loc.at(s.name, "pull_policy"), path + ".pull_policy", "invalid pull_policy \"" + s.pull_policy + "\"");
  check_references(p, s, loc);
}

void check_container_names(const Project& p, const Locator& loc) {
  std::map<std::string, std::string> owner;
  for (const auto& [name, s] : p.services) {
    if (s.container_name.empty()) continue;
    auto [it, fresh] = owner.emplace(s.container_name, name);
    if (!fresh)
      throw invalid(loc.at(name, "container_name"), "services." + name + ".container_name",
                    "container name \"" + s.container_name + "\" is already used by service \"" + it->second + "\"");
  }
}

}  // namespace

void validate_project(const Project& project, const Node& tree) {
  const Locator loc{tree};
  for (const auto& [name, s] : project.services) check_service(project, s, loc);
  check_container_names(project, loc);
  Graph graph(project);  // throws on a dependency cycle
  (void)graph;
}

}  // namespace stack::compose
