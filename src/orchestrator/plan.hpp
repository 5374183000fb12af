// plan_up: what `up` must do per service, decided from the desired services and the
// observed containers alone (no engine access): a plain value that tests read and the
// apply step executes. Decide, then do.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/observe.hpp"

namespace stack::orchestrator {

struct DesiredService {
  std::string name;
  int replicas = 1;
  std::string config_hash;
  std::string image_id;  // "" when not known: only the config hash decides then
  // Services whose containers it shares a namespace or volumes with (network_mode,
  // volumes_from "service:x"): recreated when they are.
  std::vector<std::string> namespace_deps;
  // Dependencies declared with `restart: true`: when one is recreated, a running container
  // of this service is restarted.
  std::vector<std::string> restart_deps;
};

struct UpOptions {
  bool force_recreate = false;
  bool no_recreate = false;
  bool no_start = false;
  bool remove_orphans = false;
  std::map<std::string, int> scale;      // --scale svc=N, over the file's replicas
  std::set<std::string> project_services;  // every service of the file: the others' containers are orphans
};

enum class Step {
  Create,    // a new replica
  Recreate,  // the container's config or image changed: replaced (anonymous volumes kept)
  Start,     // exists, not running
  Running,   // exists and runs: nothing to do
  Restart,   // runs, and a `restart: true` dependency was recreated
  Keep,      // exists, not started (--no-start)
  Remove,    // scale down, or an orphan with --remove-orphans
};

std::string step_name(Step s);

struct Action {
  Step step = Step::Create;
  std::string service;
  int number = 0;
  std::string container_id;  // existing container (all but Create)
  std::string container_name;
};

struct Plan {
  std::vector<Action> actions;  // by service in the given order, then number
  std::vector<ObservedContainer> orphans;  // containers of services no longer in the file
  std::vector<Action> for_service(const std::string& service) const;
};

// `services` in start order (dependencies first).
Plan plan_up(const std::vector<DesiredService>& services, const std::vector<ObservedContainer>& observed,
             const UpOptions& options);

}  // namespace stack::orchestrator
