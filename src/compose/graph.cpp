#include "compose/graph.hpp"

#include <algorithm>
#include <deque>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>

#include "base/error.hpp"

namespace stack::compose {
namespace {

const std::set<std::string> kNone;

// "service:x" -> "x"; anything else (host, container:..., none) -> "".
std::string service_reference(const std::string& value) {
  constexpr std::string_view prefix = "service:";
  return value.starts_with(prefix) ? value.substr(prefix.size()) : std::string();
}

std::string before_colon(const std::string& value) { return value.substr(0, value.find(':')); }

// Every service `service` needs started first, known or not: the same implicit
// dependencies compose-go infers from links, volumes_from and the namespace modes.
std::set<std::string> declared_dependencies(const Service& service) {
  std::set<std::string> names;
  for (const auto& [name, dependency] : service.depends_on) names.insert(name);
  for (const auto& link : service.links) names.insert(before_colon(link));  // "svc" or "svc:alias"
  for (const auto& from : service.volumes_from) {
    // "svc", "svc:ro", "service:svc[:ro]"; "container:name[:ro]" names a container, not a service.
    std::string head = before_colon(from);
    if (head == "container") continue;
    names.insert(head == "service" ? before_colon(from.substr(head.size() + 1)) : head);
  }
  for (const std::string* mode : {&service.network_mode, &service.ipc, &service.pid}) {
    std::string name = service_reference(*mode);
    if (!name.empty()) names.insert(name);
  }
  return names;
}

// Longest-path layering: a node's level is one more than the highest level among `next`.
std::vector<std::vector<std::string>> layers(const std::map<std::string, std::set<std::string>>& next) {
  std::map<std::string, size_t> level;
  std::function<size_t(const std::string&)> level_of = [&](const std::string& name) -> size_t {
    if (auto it = level.find(name); it != level.end()) return it->second;
    size_t result = 0;
    for (const auto& other : next.at(name)) result = std::max(result, level_of(other) + 1);
    return level[name] = result;
  };
  std::vector<std::vector<std::string>> out;
  for (const auto& [name, edges] : next) {
    size_t l = level_of(name);
    if (out.size() <= l) out.resize(l + 1);
    out[l].push_back(name);  // map order keeps each level sorted
  }
  return out;
}

// Depth-first search in name order; on the first back edge, names the cycle in dependency
// order starting from its alphabetically first service, so the message is deterministic.
void check_cycles(const std::map<std::string, std::set<std::string>>& deps) {
  enum class State { Unvisited, OnPath, Done };
  std::map<std::string, State> state;
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    state[name] = State::OnPath;
    path.push_back(name);
    for (const auto& dep : deps.at(name)) {
      if (state[dep] == State::OnPath) {
        std::vector<std::string> cycle(std::find(path.begin(), path.end(), dep), path.end());
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        cycle.push_back(cycle.front());
        throw Error(fmt::format("dependency cycle detected: {}", fmt::join(cycle, " -> ")));
      }
      if (state[dep] == State::Unvisited) visit(dep);
    }
    path.pop_back();
    state[name] = State::Done;
  };
  for (const auto& [name, edges] : deps)
    if (state[name] == State::Unvisited) visit(name);
}

// `start` plus everything reachable from it through `edges`.
std::set<std::string> closure(const std::vector<std::string>& start,
                              const std::map<std::string, std::set<std::string>>& edges, bool follow) {
  std::set<std::string> seen;
  std::deque<std::string> queue;
  for (const auto& name : start) {
    if (!edges.contains(name)) throw Error(fmt::format("no such service: {}", name));
    if (seen.insert(name).second) queue.push_back(name);
  }
  while (follow && !queue.empty()) {
    std::string name = queue.front();
    queue.pop_front();
    for (const auto& next : edges.at(name))
      if (seen.insert(next).second) queue.push_back(next);
  }
  return seen;
}

}  // namespace

Graph::Graph(const Project& project) {
  for (const auto& [name, service] : project.services) {
    deps_[name];
    rdeps_[name];
  }
  for (const auto& [name, service] : project.services) {
    for (const auto& dep : declared_dependencies(service)) {
      if (!deps_.contains(dep)) continue;  // unknown services are validate.hpp's to report
      deps_[name].insert(dep);
      rdeps_[dep].insert(name);
    }
  }
  check_cycles(deps_);
}

const std::set<std::string>& Graph::dependencies(const std::string& name) const {
  auto it = deps_.find(name);
  return it == deps_.end() ? kNone : it->second;
}

const std::set<std::string>& Graph::dependents(const std::string& name) const {
  auto it = rdeps_.find(name);
  return it == rdeps_.end() ? kNone : it->second;
}

std::vector<std::vector<std::string>> Graph::start_levels() const { return layers(deps_); }

std::vector<std::vector<std::string>> Graph::stop_levels() const { return layers(rdeps_); }

std::set<std::string> Graph::subgraph(const std::vector<std::string>& services, bool with_dependencies) const {
  return closure(services, deps_, with_dependencies);
}

std::set<std::string> Graph::with_dependents(const std::vector<std::string>& services) const {
  return closure(services, rdeps_, true);
}

}  // namespace stack::compose
