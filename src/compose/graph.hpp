// The service dependency graph: edges from depends_on, links, volumes_from
// ("service:x"/plain names, not "container:x"), network_mode "service:x", ipc and pid "service:x".
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
  // ignored here (validate.hpp reports them). Throws stack::Error for a cycle, naming it:
  //   dependency cycle detected: web -> php -> web
  explicit Graph(const Project& project);

  // Services `name` depends on directly (sorted).
  const std::set<std::string>& dependencies(const std::string& name) const;
  // Services that depend on `name` directly (sorted).
  const std::set<std::string>& dependents(const std::string& name) const;

  // Start order: level 0 has no dependencies, level n depends only on levels < n.
  // Each level is sorted; services in one level can start in parallel.
  std::vector<std::vector<std::string>> start_levels() const;
  // Stop order: the reverse (dependents stop before what they depend on).
  std::vector<std::vector<std::string>> stop_levels() const;

  // The named services plus (when with_dependencies) everything they depend on, transitively.
  std::set<std::string> subgraph(const std::vector<std::string>& services, bool with_dependencies) const;
  // The named services plus everything that depends on them, transitively.
  std::set<std::string> with_dependents(const std::vector<std::string>& services) const;

 private:
  std::map<std::string, std::set<std::string>> deps_;
  std::map<std::string, std::set<std::string>> rdeps_;
};

}  // namespace stack::compose
