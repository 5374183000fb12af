// The labels the orchestrator puts on every object it makes (DESIGN section 7): the only
// way it finds a project's containers, networks and volumes again (there is no daemon and
// no project database), so they are written once, here.
#pragma once

namespace stack::orchestrator::labels {

inline constexpr const char* kProject = "stack.project";
inline constexpr const char* kService = "stack.service";
inline constexpr const char* kNumber = "stack.container-number";
inline constexpr const char* kConfigHash = "stack.config-hash";
inline constexpr const char* kOneoff = "stack.oneoff";
inline constexpr const char* kWorkingDir = "stack.project.working-dir";
inline constexpr const char* kConfigFiles = "stack.project.config-files";
inline constexpr const char* kNetwork = "stack.network";
inline constexpr const char* kVolume = "stack.volume";

}  // namespace stack::orchestrator::labels
