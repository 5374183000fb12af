// The images a project's services run from: found in the store, or pulled (all pulls at
// once) following each service's pull_policy or `--pull`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compose/model.hpp"
#include "engine/container_image.hpp"
#include "orchestrator/context.hpp"

namespace stack::orchestrator {

// The reference a service runs: its image, or the image compose names a build "project-service".
std::string service_image(const compose::Project& project, const compose::Service& service);

// "always", "never", "missing" (also "if_not_present", ""), "build": what to do for one service.
// `pull_flag` (--pull: "always", "missing", "never", "" = none) wins over the file.
std::string effective_pull_policy(const compose::Service& service, const std::string& pull_flag);

// reference -> the image for containers, for each service named. A service with `build:`
// is built when `build_flag` is "always" (--build), when its pull_policy is build, or when
// its image is missing, unless `build_flag` is "never" (--no-build). Throws stack::Error
// naming the service and the reference for an image that is missing and may not be (or
// could not be) pulled or built.
std::map<std::string, engine::ImageForContainer> ensure_images(Context& ctx, const compose::Project& project,
                                                               const std::vector<std::string>& services,
                                                               const std::string& pull_flag,
                                                               const std::string& build_flag = "");

// `stack pull`: pulls every named service's image (ignore_failures: warn and go on).
void pull_images(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                 bool ignore_failures);

// `stack push`: pushes the images of the named services that have both `build:` and
// `image:` (and their build.tags), all at once; compose skips the others, whose images
// came from a registry in the first place.
void push_images(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                 bool ignore_failures);

}  // namespace stack::orchestrator
