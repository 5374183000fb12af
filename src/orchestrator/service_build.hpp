// Images compose builds: a service's `build:` as a build request, and the builds that
// `stack build`, `up --build` and a missing image (or pull_policy: build) ask for.
// The image is named by the service's `image:`, or "<project>-<service>" (compose's
// name), plus build.tags.
#pragma once

#include <string>
#include <vector>

#include "compose/model.hpp"
#include "engine/build/build_request.hpp"
#include "engine/image/store.hpp"
#include "orchestrator/context.hpp"

namespace stack::orchestrator {

struct ServiceBuildOptions {
  bool no_cache = false;
  bool pull = false;
  std::map<std::string, std::string> build_args;  // --build-arg, over the file's build.args
};

// The request for one service (which must have `build:`). A remote context (git, http)
// is an error naming the service.
engine::build::BuildRequest service_build_request(const compose::Project& project, const compose::Service& service,
                                                  const ServiceBuildOptions& options);

// Builds the service's image; returns it. Progress ("Image <name> Building/Built") goes to
// ctx.progress, the builder's steps and RUN output to stdout. Throws stack::Error naming
// the service.
engine::image::ImageEntry build_service(Context& ctx, const compose::Project& project, const compose::Service& service,
                                        const ServiceBuildOptions& options);

// `stack build [services]`: every named service with `build:` (all when none are named),
// one after the other (their RUN output goes to one terminal).
void build_services(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                    const ServiceBuildOptions& options);

}  // namespace stack::orchestrator
