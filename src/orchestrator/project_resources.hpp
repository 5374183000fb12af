// A project's networks and named volumes: made (with the project's labels) before its
// containers, looked up when external, removed by `down` (volumes only with -v).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compose/model.hpp"
#include "orchestrator/context.hpp"

namespace stack::orchestrator {

// The networks and volumes the named services use, made when missing. An external one
// that does not exist is a stack::Error naming it.
void ensure_project_resources(Context& ctx, const compose::Project& project, const std::vector<std::string>& services);

// The project's networks (declared and labelled), best effort.
void remove_project_networks(Context& ctx, const compose::Project& project);
// The bridges of the project's networks that no container but those in `leaving` is on,
// deleted ahead of remove_project_networks (NetworkDriver::drop_bridge). Best effort:
// what fails here, remove_project_networks tries again and reports.
void drop_project_bridges(Context& ctx, const compose::Project& project, const std::vector<std::string>& leaving);
// The project's named volumes (declared non-external ones, and any labelled with the
// project), plus `anonymous` (the removed containers' anonymous volumes).
void remove_project_volumes(Context& ctx, const compose::Project& project, const std::vector<std::string>& anonymous);
// The named volumes, those no container uses (a failure is a warning); `announce`: with progress events.
void remove_volumes(Context& ctx, const std::vector<std::string>& names, bool announce);

}  // namespace stack::orchestrator
