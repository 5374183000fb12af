// The orchestrator's context without a project: the engine's containers, the image and
// volume stores, the networks and a progress display on stderr, under the state roots the
// global options name. Compose commands hold one in their ComposeSession; `stack image
// build` uses one on its own.
#pragma once

#include <memory>

#include "cli/global_options.hpp"
#include "engine/containers.hpp"
#include "engine/image/store.hpp"
#include "orchestrator/context.hpp"
#include "vol/volume_store.hpp"

namespace stack::cli {

class EngineSession {
 public:
  explicit EngineSession(const GlobalOptions& global);

  orchestrator::Context& context() { return *context_; }
  engine::Containers& containers() { return containers_; }

 private:
  engine::Containers containers_;
  engine::image::ImageStore images_;
  vol::VolumeStore volumes_;
  std::unique_ptr<orchestrator::NetworkDriver> network_;
  std::unique_ptr<orchestrator::Progress> progress_;
  std::unique_ptr<orchestrator::Context> context_;
};

}  // namespace stack::cli
