// The config hash of a service: SHA-256 (hex) of its canonical configuration, so the
// orchestrator can tell when a container must be recreated. Keys that change how many
// containers run or how the image is obtained, not what a container is, are left out:
// scale, deploy.replicas, depends_on, profiles, build and pull_policy.
#pragma once

#include <string>

#include "compose/model.hpp"

namespace stack::compose {

std::string service_config_hash(const Service& service);

}  // namespace stack::compose
