// What every `stack volume` command (and run/create with volumes) starts from: the volume
// store under the state root, and which containers use which volume.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/container_engine.hpp"
#include "cli/global_options.hpp"
#include "vol/volume_store.hpp"

namespace stack::cli {

inline vol::VolumeStore volume_store_from(const GlobalOptions& global) {
  return vol::VolumeStore(engine::resolve_roots(global.root, global.run_root).root + "/volumes", vol::system_mounter());
}

// Volume name -> the containers (by name) whose config names it, running or not.
inline vol::VolumeUsers volume_users(const GlobalOptions& global) {
  return [&global] {
    std::map<std::string, std::vector<std::string>> out;
    for (const engine::ContainerView& v : containers_from(global).list())
      for (const std::string& name : v.config.volumes) out[name].push_back(v.config.name);
    return out;
  };
}

// `rm -v`: the anonymous ones among `names` (a container's volumes) are removed; named
// volumes stay, and an anonymous one another container still uses stays too (as docker).
inline void remove_anonymous_volumes(const GlobalOptions& global, const std::vector<std::string>& names) {
  vol::VolumeStore store = volume_store_from(global);
  for (const std::string& name : names) {
    const std::optional<vol::Volume> v = store.find(name);
    if (!v || !vol::is_anonymous(*v)) continue;
    try {
      store.remove(name, volume_users(global));
    } catch (const Error&) {
    }
  }
}

}  // namespace stack::cli
