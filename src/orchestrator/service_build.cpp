#include "orchestrator/service_build.hpp"

#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <future>
#include <optional>

#include "base/error.hpp"
#include "engine/build/builder.hpp"
#include "orchestrator/build_host.hpp"
#include "orchestrator/images.hpp"

namespace stack::orchestrator {

engine::build::BuildRequest service_build_request(const compose::Project& project, const compose::Service& service,
                                                  const ServiceBuildOptions& options) {
  const compose::BuildConfig& b = *service.build;
  if (b.context.find("://") != std::string::npos || b.context.rfind("git@", 0) == 0)
    throw Error("service \"" + service.name + "\": build context " + b.context + " is remote; only local directories are supported");
  engine::build::BuildRequest r;
  r.context_dir = b.context.empty() ? project.working_dir : b.context;
  std::error_code ec;
  if (!std::filesystem::is_directory(r.context_dir, ec))
    throw Error("service \"" + service.name + "\": build context " + r.context_dir + " is not a directory");
  if (!b.dockerfile_inline.empty()) {
    r.dockerfile_text = b.dockerfile_inline;
  } else if (!b.dockerfile.empty()) {
    r.dockerfile = std::filesystem::path(b.dockerfile).is_absolute() ? b.dockerfile : r.context_dir + "/" + b.dockerfile;
  }
  for (const auto& [k, v] : b.args) {
    if (v) r.build_args[k] = *v;
  }
  for (const auto& [k, v] : options.build_args) r.build_args[k] = v;
  r.target = b.target;
  r.labels = std::map<std::string, std::string>(b.labels.begin(), b.labels.end());
  r.tags.push_back(service_image(project, service));
  r.tags.insert(r.tags.end(), b.tags.begin(), b.tags.end());
  r.no_cache = b.no_cache || options.no_cache;
  r.pull = b.pull || options.pull;
  if (!b.network.empty() && b.network != "default") r.network = b.network;
  return r;
}

namespace {

// build: keys the builder does not act on: said, so nobody believes a secret was mounted.
std::vector<std::string> ignored_keys(const compose::BuildConfig& b) {
  std::vector<std::string> keys;
  const auto note = [&](bool set, const char* key) {
    if (set) keys.push_back(key);
  };
  note(!b.ssh.empty(), "ssh");
  note(!b.secrets.empty(), "secrets");
  note(!b.cache_from.empty(), "cache_from");
  note(!b.cache_to.empty(), "cache_to");
  note(!b.additional_contexts.empty(), "additional_contexts");
  note(!b.extra_hosts.empty(), "extra_hosts");
  note(b.shm_size.has_value(), "shm_size");
  note(!b.ulimits.empty(), "ulimits");
  note(b.privileged, "privileged");
  note(!b.isolation.empty(), "isolation");
  note(!b.platforms.empty(), "platforms");
  return keys;
}

engine::image::ImageEntry build_one(Context& ctx, const compose::Project& project, const compose::Service& service,
                                    const ServiceBuildOptions& options, const std::string& prefix) {
  const engine::build::BuildRequest request = service_build_request(project, service, options);
  const std::string& name = request.tags.front();
  for (const std::string& key : ignored_keys(*service.build))
    ctx.progress.warning("service \"" + service.name + "\": build." + key + " is not supported by this builder and is ignored");
  ctx.progress.event("Image", name, "Building");
  try {
    EngineBuildHost host(ctx, stdout, prefix);
    const engine::build::BuildResult result = engine::build::build_image(ctx.images, host, request);
    ctx.progress.event("Image", name, "Built");
    return *ctx.images.find(result.image_id);
  } catch (const Error& e) {
    ctx.progress.event("Image", name, "Error");
    throw Error("service \"" + service.name + "\": build: " + e.what(), e.hint());
  }
}

}  // namespace

std::map<std::string, engine::image::ImageEntry> build_service_images(Context& ctx, const compose::Project& project,
                                                                      const std::vector<std::string>& services,
                                                                      const ServiceBuildOptions& options) {
  size_t width = 0;
  for (const std::string& name : services) width = std::max(width, name.size());
  const ProgressHold hold(ctx.progress);  // the builders print their steps' output
  std::map<std::string, std::future<engine::image::ImageEntry>> builds;
  for (const std::string& name : services) {
    std::string prefix;
    if (services.size() > 1) prefix = name + std::string(width - name.size(), ' ') + " | ";
    builds.emplace(name, std::async(std::launch::async, [&ctx, &project, &options, name, prefix] {
                     return build_one(ctx, project, project.services.at(name), options, prefix);
                   }));
  }
  std::map<std::string, engine::image::ImageEntry> out;
  std::optional<Error> first;
  for (auto& [name, f] : builds) {
    try {
      out.emplace(name, f.get());
    } catch (const Error& e) {
      if (!first) first = e;
    }
  }
  if (first) throw *first;
  return out;
}

void build_services(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                    const ServiceBuildOptions& options) {
  std::vector<std::string> names;
  for (const auto& [name, service] : project.services) {
    const bool named = services.empty() || std::find(services.begin(), services.end(), name) != services.end();
    if (named && service.build) names.push_back(name);
  }
  build_service_images(ctx, project, names, options);
}

}  // namespace stack::orchestrator
