// docker run's `-v` specs that name volumes: `NAME:/path[:options]` (a named volume, made
// on first use as docker does) and `/path` alone (an anonymous volume, made new), plus
// the image's VOLUME entries no other mount covers (anonymous volumes too). Each becomes a
// bind of the volume's _data; host-path binds are left for the engine.
#pragma once

#include <string>
#include <vector>

#include "vol/volume_store.hpp"

namespace stack::vol {

struct VolumeMount {
  Volume volume;
  std::string target;   // the path in the container
  bool copy_up = true;  // false with the `nocopy` option
};

// Rewrites each volume spec in `specs` to "<its _data>:/path[:options]" (mounting a
// typed volume first; making an anonymous one for "/path") and returns them in order.
// Host paths and malformed specs are left for the engine to check.
std::vector<VolumeMount> resolve_volume_mounts(VolumeStore& store, std::vector<std::string>& specs);

// The image's VOLUME paths that no spec in `specs` or `tmpfs` mounts: a new anonymous
// volume each, appended to `specs` and `mounts`.
void add_image_volumes(VolumeStore& store, const std::vector<std::string>& image_volumes,
                       const std::vector<std::string>& tmpfs, std::vector<std::string>& specs,
                       std::vector<VolumeMount>& mounts);

// The volumes' names, each once, in order (what a container's config records).
std::vector<std::string> volume_names(const std::vector<VolumeMount>& mounts);

// resolve_volume_mounts, keeping only the names.
std::vector<std::string> resolve_named_volumes(VolumeStore& store, std::vector<std::string>& specs);

}  // namespace stack::vol
