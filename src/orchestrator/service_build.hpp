// Images compose builds: a service's `build:` as a build request, and the builds that
// `stack build`, `up --build` and a missing image (or pull_policy: build) ask for.
// The image is named by the service's `image:`, or "<project>-<service>" (compose's
// name), plus build.tags.
#pragma once

#include <map>
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

// Builds the images of `services` (each must have `build:`) at once, one thread each;
// returns service -> its image. Progress ("Image <name> Building/Built") goes to
// ctx.progress, the builders' steps and RUN output to stdout, every line prefixed with
// the service's name when more than one builds. The first failure (naming its service)
// is thrown once every build ended.
std::map<std::string, engine::image::ImageEntry> build_service_images(Context& ctx, const compose::Project& project,
                                                                      const std::vector<std::string>& services,
                                                                      const ServiceBuildOptions& options);

// `stack build [services]`: every named service with `build:` (all when none are named).
void build_services(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                    const ServiceBuildOptions& options);

}  // namespace stack::orchestrator
