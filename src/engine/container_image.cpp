#include "engine/container_image.hpp"

namespace stack::engine {
namespace {

int64_t ms_or(int64_t ns, int64_t fallback_ms) { return ns > 0 ? ns / 1000000 : fallback_ms; }

HealthcheckConfig health_from_image(const image::HealthConfig& h) {
  HealthcheckConfig c;
  c.test = h.test;
  c.interval_ms = ms_or(h.interval_ns, c.interval_ms);
  c.timeout_ms = ms_or(h.timeout_ns, c.timeout_ms);
  c.start_period_ms = ms_or(h.start_period_ns, c.start_period_ms);
  c.start_interval_ms = ms_or(h.start_interval_ns, c.start_interval_ms);
  if (h.retries > 0) c.retries = h.retries;
  return c;
}

}  // namespace

void apply_image(CreateRequest& r, const ImageForContainer& image, bool entrypoint_overridden) {
  const image::ContainerDefaults& d = image.defaults;
  r.image = image.reference;
  r.image_id = image.id;
  r.lower_dirs = image.lower_dirs;
  if (!entrypoint_overridden) {
    r.entrypoint = d.entrypoint;
    if (r.command.empty()) r.command = d.cmd;
  }
  std::vector<std::string> env = d.env;
  env.insert(env.end(), r.env.begin(), r.env.end());
  r.env = std::move(env);
  if (r.workdir.empty()) r.workdir = d.working_dir;
  if (r.user.empty()) r.user = d.user;
  if (r.stop_signal.empty()) r.stop_signal = d.stop_signal;
  if (!r.healthcheck && d.healthcheck && !d.healthcheck->test.empty()) r.healthcheck = health_from_image(*d.healthcheck);
  std::map<std::string, std::string> labels = d.labels;
  for (const auto& [k, v] : r.labels) labels[k] = v;
  r.labels = std::move(labels);
}

}  // namespace stack::engine
