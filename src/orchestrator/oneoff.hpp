// `stack run`: compose's one-off container of a service. The service is first rewritten
// as compose v2's run does it (command, entrypoint, -e, -u, -w, -l, -v, -p; no `ports:`
// unless --service-ports; no restart policy; its own name "project-service-run-<12 hex>"),
// then goes through the same blueprint and container factory as `up`'s containers, with
// the label stack.oneoff=True (so `up` and the plan leave it alone, `ps` lists it and
// `down` removes it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compose/model.hpp"
#include "orchestrator/blueprint.hpp"
#include "orchestrator/container_factory.hpp"
#include "orchestrator/context.hpp"

namespace stack::orchestrator {

struct OneoffRequest {
  std::string service;
  std::vector<std::string> command;                     // empty: the service's
  std::optional<std::vector<std::string>> entrypoint;   // --entrypoint, split into words
  std::vector<std::string> env;                          // -e KEY=VAL (KEY alone: from our environment)
  std::vector<std::string> labels;                       // -l KEY=VAL
  std::vector<std::string> volumes;                      // -v, compose's short syntax
  std::vector<std::string> publish;                      // -p, compose's short syntax
  std::string user;
  std::string workdir;
  std::string name;  // --name; "" -> project-service-run-<slug>
  bool service_ports = false;
  bool rm = false;
  bool tty = false;
  bool interactive = true;
  bool no_deps = false;
};

// "project-service-run-<slug>" (compose's is 12 hex digits of a random id).
std::string oneoff_name(const std::string& project, const std::string& service, const std::string& slug);

// The service as the one-off container runs it. Pure. Throws for a -p or -v it cannot parse.
compose::Service oneoff_service(const compose::Project& project, const compose::Service& service,
                                const OneoffRequest& request, const std::string& slug);

// The one-off container's blueprint (oneoff_service, then labelled stack.oneoff=True). Pure.
Blueprint make_oneoff_blueprint(const compose::Project& project, const OneoffRequest& request, const std::string& slug);

// The dependencies started (as `up SERVICE` would, unless no_deps), the project's networks
// and volumes made, the image found or pulled, then the container created (not started).
MadeContainer create_oneoff(Context& ctx, const compose::Project& project, const OneoffRequest& request);

}  // namespace stack::orchestrator
