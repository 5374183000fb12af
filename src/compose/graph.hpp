// The service dependency graph: edges from depends_on keys, links ("svc" or "svc:alias"),
// volumes_from ("svc", "svc:ro", "service:svc"; not "container:x"), network_mode, ipc and
// pid "service:x" -- the implicit dependencies compose-go infers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "compose/model.hpp"

namespace stack::compose {

class Graph {
 public:
  // Builds the graph of `project.services`. Edges to services that do not exist are
  // ignored here (validate.hpp reports them). Throws stack::Error for a cycle, naming it
  // in dependency order from its alphabetically first service (deterministic):
  //   dependency cycle detected: php -> web -> php
  explicit Graph(const Project& project);

  // Services `name` depends on directly (sorted).
  const std::set<std::string>& dependencies(const std::string& name) const;
  // Services that depend on `name` directly (sorted).
  const std::set<std::string>& dependents(const std::string& name) const;

  // Start order: level 0 has no dependencies, level n depends only on levels < n.
  // Each level is sorted; services in one level can start in parallel.
  std::vector<std::vector<std::string>> start_levels() const;
  // Stop order: the reverse (dependents stop before what they depend on). Level 0 has no
  // dependents, level n is depended on only by levels < n, so a service stops as early as
  // everything that needs it has stopped.
  std::vector<std::vector<std::string>> stop_levels() const;

  // The named services plus (when with_dependencies) everything they depend on, transitively.
  // Both throw stack::Error "no such service: x" for a name that is not in the project.
  std::set<std::string> subgraph(const std::vector<std::string>& services, bool with_dependencies) const;
  // The named services plus everything that depends on them, transitively.
  std::set<std::string> with_dependents(const std::vector<std::string>& services) const;

 private:
  std::map<std::string, std::set<std::string>> deps_;
  std::map<std::string, std::set<std::string>> rdeps_;
};

}  // namespace stack::compose
