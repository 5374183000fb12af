// What the orchestrator works with: the engine's containers, the image and volume stores,
// the network seam and the progress display. The CLI makes one per command.
#pragma once

#include <string>

#include "engine/containers.hpp"
#include "engine/image/registry_client.hpp"
#include "engine/image/store.hpp"
#include "orchestrator/network_driver.hpp"
#include "orchestrator/progress.hpp"
#include "vol/volume_store.hpp"

namespace stack::orchestrator {

struct Context {
  engine::Containers& containers;
  engine::image::ImageStore& images;
  vol::VolumeStore& volumes;
  NetworkDriver& network;
  Progress& progress;
  engine::image::ClientOptions registry;
};

}  // namespace stack::orchestrator
