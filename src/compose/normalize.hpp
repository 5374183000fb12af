// Pass: bring a decoded Project to the canonical form every consumer relies on
// (see model.hpp): env_file and label_file folded in, bare environment keys resolved,
// build defaults, the implicit `default` network, engine names for networks, volumes,
// secrets and configs, implicit dependencies of links/volumes_from/network_mode.
#pragma once

#include "compose/environment.hpp"
#include "compose/model.hpp"

namespace stack::compose {

// Uses project.name, project.working_dir and project.environment.
void normalize_project(Project& project, Warnings* warnings);

}  // namespace stack::compose
