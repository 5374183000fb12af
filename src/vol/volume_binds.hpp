// docker run's `-v NAME:/path[:options]` for named volumes: NAME (not an absolute path)
// is a volume, made on first use as docker does, and the container binds its _data.
#pragma once

#include <string>
#include <vector>

#include "vol/volume_store.hpp"

namespace stack::vol {

// Rewrites each named-volume spec in `specs` to "<its _data>:/path[:options]" (mounting a
// typed volume first) and returns the volume names used, each once, in order. Host paths
// and malformed specs are left for the engine to check.
std::vector<std::string> resolve_named_volumes(VolumeStore& store, std::vector<std::string>& specs);

}  // namespace stack::vol
