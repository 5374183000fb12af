// Pass: profiles. A service runs when it has no profiles, when one of its profiles is
// active (--profile, COMPOSE_PROFILES; "*" activates all), or when it is named on the
// command line (which also enables what it depends on). The others move to
// Project::disabled_services; a running service that needs a disabled one is an error.
#pragma once

#include <string>
#include <vector>

#include "compose/model.hpp"

namespace stack::compose {

void apply_profiles(Project& project, const std::vector<std::string>& active_profiles,
                    const std::vector<std::string>& named_services);

// All profiles any service mentions, sorted (for `stack config --profiles`).
std::vector<std::string> all_profiles(const Project& project);

}  // namespace stack::compose
