// What every compose command (`stack up`, `down`, `ps`, ...) starts from: the project
// loaded from the files the global options name, and the orchestrator's context (engine,
// stores, networks, progress on stderr) under the state roots.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/engine_session.hpp"
#include "cli/global_options.hpp"
#include "compose/model.hpp"

namespace stack::cli {

class ComposeSession {
 public:
  // `services` enable their profiles, as for `stack config`. With `project_only`, a
  // missing compose file is not an error when -p names the project (down, ps, logs ...
  // of a project whose file is gone): the project is then empty but for its name.
  ComposeSession(const GlobalOptions& global, const std::vector<std::string>& services, bool project_only = false);

  compose::Project& project() { return project_; }
  orchestrator::Context& context() { return engine_.context(); }
  engine::Containers& containers() { return engine_.containers(); }

 private:
  compose::Project project_;
  EngineSession engine_;
};

// A container's name as compose prefixes its logs: "web-1" for "proj-web-1".
std::string short_name(const std::string& project, const std::string& container_name);

}  // namespace stack::cli
