// `up` and `create`: observe, plan (plan.hpp), then apply in dependency order, each
// service in its own thread once what it depends on satisfies its depends_on condition.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compose/model.hpp"
#include "orchestrator/context.hpp"
#include "orchestrator/plan.hpp"

namespace stack::orchestrator {

struct UpRequest {
  std::vector<std::string> services;  // empty: all
  bool no_deps = false;
  std::string pull;  // --pull: "always", "missing", "never", "" = each service's pull_policy
  UpOptions plan;
  int timeout_s = -1;  // -t: stop timeout for recreated/removed containers (-1: theirs)
  bool wait = false;    // --wait: until running/healthy
  int wait_timeout_s = 0;  // 0: no limit
};

struct UpResult {
  std::vector<std::string> containers;  // ids of the services' containers, in start order
};

// The services to act on: the named ones (and their dependencies unless no_deps), in
// start order. Throws "no such service: x".
std::vector<std::string> selected_services(const compose::Project& project, const std::vector<std::string>& names,
                                           bool no_deps);

// Converges the project. Throws stack::Error naming the service (and the container) that failed.
UpResult up(Context& ctx, const compose::Project& project, const UpRequest& request);

// How many containers a service runs by its file (scale, deploy.replicas, 1).
int replicas_of(const compose::Service& service);

}  // namespace stack::orchestrator
