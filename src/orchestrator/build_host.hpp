// The builder's view of the host (engine/build/build_request.hpp BuildHost) over an
// orchestrator Context: FROM images found in the store or pulled, RUN steps run as
// containers of the engine on docker's default "bridge" network (so `apt-get` reaches
// the mirror through NAT), and progress lines written to a stream. Used by
// `stack image build` and by compose builds (`build:`, `up --build`, `stack build`).
#pragma once

#include <cstdio>
#include <string>

#include "engine/build/build_request.hpp"
#include "orchestrator/context.hpp"

namespace stack::orchestrator {

class EngineBuildHost : public engine::build::BuildHost {
 public:
  // `out`: where steps and RUN output go. With a `prefix` ("web | " when compose builds
  // several services at once) every line of both starts with it, and lines of parallel
  // builds never interleave within a line.
  EngineBuildHost(Context& ctx, std::FILE* out, std::string prefix = {});

  engine::image::ImageEntry base_image(const std::string& reference, bool pull) override;
  int run(const engine::build::RunStep& step,
          const std::function<void(const std::string& upper_dir)>& capture) override;
  void say(const std::string& line) override;

 private:
  engine::CreateRequest container_for(const engine::build::RunStep& step);

  Context& ctx_;
  std::FILE* out_;
  std::string prefix_;
};

}  // namespace stack::orchestrator
