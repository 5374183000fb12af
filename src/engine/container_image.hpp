// What a container made from an image starts with: the image config's defaults under
// the request's own values, as docker run merges them.
#pragma once

#include <string>
#include <vector>

#include "engine/container_create.hpp"
#include "engine/image/oci.hpp"

namespace stack::engine {

struct ImageForContainer {
  std::string reference;                // as the user named it ("busybox")
  std::string id;                       // "sha256:..."
  std::vector<std::string> lower_dirs;  // topmost first
  image::ContainerDefaults defaults;
};

// Fills `request` from the image:
// - the command: the image's Entrypoint, and its Cmd unless the request gives a command;
//   a request that sets the entrypoint (`--entrypoint`, `entrypoint_overridden`) drops
//   both of the image's, as docker does;
// - Env: the image's first, the request's over it;
// - WorkingDir, User, StopSignal, Healthcheck: the image's when the request has none;
// - Labels: the image's, the request's over them.
void apply_image(CreateRequest& request, const ImageForContainer& image, bool entrypoint_overridden);

}  // namespace stack::engine
