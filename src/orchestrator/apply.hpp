// `up` and `create`: observe, plan (plan.hpp), then apply in dependency order, each
// service in its own thread once what it depends on satisfies its depends_on condition.
//
// The orchestrator module, and what it chose:
//   blueprint.hpp      a service -> engine request, volume needs, attachments, ports (pure)
//   observe/plan.hpp   the project's containers by label -> a plan per service (pure)
//   apply.hpp          images (pulled in parallel), networks and volumes, then one thread
//                      per service; a failure names its service; the root cause wins over
//                      the "dependency failed" of the services after it
//   container_factory  a blueprint made real: image, volumes (named, anonymous kept from
//                      the container it replaces, image VOLUMEs, copy-up), volumes_from,
//                      network from the NetworkDriver seam (network_driver.hpp)
//   operations.hpp     down, start, stop, restart, kill, pause, unpause, rm by dependency level
//   project_lock.hpp   <run_root>/projects/<name>.lock, taken by every changing command
// - Recreate is stop, remove, create (no rename as compose does): the name is free for
//   the new container, and a command killed in between leaves nothing the next `up`
//   does not converge (it creates the missing replica).
// - A container half-made by a killed `stack` (records never completed) holds its name:
//   `up` removes it before reusing the name, `down` removes those of the project.
// - Replicas removed by scaling down take their anonymous volumes with them; `down`
//   keeps anonymous volumes (as compose) unless -v.
// - Networks: the CLI uses the loopback driver until the net module is wired in.
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
  std::string build;  // "always" (--build), "never" (--no-build), "" = build missing images
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
