#include "compose/profiles.hpp"

#include <algorithm>
#include <set>

#include "base/error.hpp"

namespace stack::compose {
namespace {

bool profile_active(const Service& s, const std::vector<std::string>& active) {
  if (s.profiles.empty()) return true;
  for (const auto& p : s.profiles)
    if (std::find(active.begin(), active.end(), p) != active.end()) return true;
  return std::find(active.begin(), active.end(), "*") != active.end();
}

// Direct dependencies of every kind, by name (normalize has not run yet).
std::vector<std::string> needs(const Service& s) {
  std::vector<std::string> out;
  for (const auto& [name, dep] : s.depends_on)
    if (dep.required) out.push_back(name);
  for (const auto& link : s.links) out.push_back(link.substr(0, link.find(':')));
  for (const auto& from : s.volumes_from)
    if (from.rfind("container:", 0) != 0) out.push_back(from.substr(0, from.find(':')));
  for (const std::string* mode : {&s.network_mode, &s.ipc, &s.pid})
    if (mode->rfind("service:", 0) == 0) out.push_back(mode->substr(8));
  return out;
}

std::string profile_hint(const Service& s) {
  if (s.profiles.empty()) return {};
  return "enable it with --profile " + s.profiles.front();
}

}  // namespace

void apply_profiles(Project& project, const std::vector<std::string>& active_profiles,
                    const std::vector<std::string>& named_services) {
  std::set<std::string> enabled;
  for (const auto& [name, s] : project.services)
    if (profile_active(s, active_profiles)) enabled.insert(name);
  // Naming a service enables it and, transitively, what it needs.
  std::vector<std::string> todo(named_services.begin(), named_services.end());
  while (!todo.empty()) {
    std::string name = todo.back();
    todo.pop_back();
    auto it = project.services.find(name);
    if (it == project.services.end() || !enabled.insert(name).second) continue;
    for (auto& dep : needs(it->second)) todo.push_back(dep);
  }
  for (auto it = project.services.begin(); it != project.services.end();) {
    if (enabled.count(it->first)) {
      ++it;
      continue;
    }
    project.disabled_services.insert(project.services.extract(it++));
  }
  for (const auto& [name, s] : project.services) {
    for (const auto& dep : needs(s)) {
      auto off = project.disabled_services.find(dep);
      if (off != project.disabled_services.end())
        throw Error("service \"" + name + "\" depends on service \"" + dep + "\", which is disabled by its profiles",
                    profile_hint(off->second));
    }
  }
}

std::vector<std::string> all_profiles(const Project& project) {
  std::set<std::string> names;
  for (const auto* services : {&project.services, &project.disabled_services})
    for (const auto& [name, s] : *services) names.insert(s.profiles.begin(), s.profiles.end());
  return {names.begin(), names.end()};
}

}  // namespace stack::compose
