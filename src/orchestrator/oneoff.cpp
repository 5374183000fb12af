#include "orchestrator/oneoff.hpp"

#include <cstdlib>
#include <filesystem>

#include "base/error.hpp"
#include "base/random_id.hpp"
#include "compose/syntax.hpp"
#include "orchestrator/apply.hpp"
#include "orchestrator/images.hpp"
#include "orchestrator/labels.hpp"
#include "orchestrator/project_resources.hpp"

namespace stack::orchestrator {
namespace {

// -e KEY=VAL sets; -e KEY takes our own environment's value (unset when we have none).
void take_env(const std::vector<std::string>& env, compose::OptionalStringMap& out) {
  for (const std::string& e : env) {
    const size_t eq = e.find('=');
    if (eq != std::string::npos) {
      out[e.substr(0, eq)] = e.substr(eq + 1);
      continue;
    }
    const char* value = std::getenv(e.c_str());
    out[e] = value ? std::optional<std::string>(value) : std::nullopt;
  }
}

void take_labels(const std::vector<std::string>& labels, compose::StringMap& out) {
  for (const std::string& l : labels) {
    const size_t eq = l.find('=');
    out[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
  }
}

// -v as compose's short syntax; a relative host path is the project directory's, as in the file.
void take_volumes(const compose::Project& project, const std::vector<std::string>& specs,
                  std::vector<compose::ServiceVolume>& out) {
  for (const std::string& spec : specs) {
    compose::ServiceVolume v = compose::parse_volume_spec(spec);
    if (v.type == "bind" && v.source.rfind('.', 0) == 0)
      v.source = (std::filesystem::path(project.working_dir) / v.source).lexically_normal().string();
    if (v.type == "bind" && v.source.rfind('~', 0) == 0) {
      const char* home = std::getenv("HOME");
      v.source = std::string(home ? home : "") + v.source.substr(1);
    }
    out.push_back(std::move(v));
  }
}

}  // namespace

std::string oneoff_name(const std::string& project, const std::string& service, const std::string& slug) {
  return project + "-" + service + "-run-" + slug.substr(0, 12);
}

compose::Service oneoff_service(const compose::Project& project, const compose::Service& service,
                                const OneoffRequest& r, const std::string& slug) {
  compose::Service s = service;
  s.container_name = r.name.empty() ? oneoff_name(project.name, service.name, slug) : r.name;
  if (!r.command.empty()) s.command = r.command;
  if (r.entrypoint) s.entrypoint = r.entrypoint;
  take_env(r.env, s.environment);
  take_labels(r.labels, s.labels);
  if (!r.user.empty()) s.user = r.user;
  if (!r.workdir.empty()) s.working_dir = r.workdir;
  if (!r.service_ports) s.ports.clear();
  for (const std::string& p : r.publish) {
    const std::vector<compose::ServicePort> ports = compose::parse_port_spec(p);
    s.ports.insert(s.ports.end(), ports.begin(), ports.end());
  }
  take_volumes(project, r.volumes, s.volumes);
  // compose's run: no restart policy, and the terminal as asked.
  s.restart.clear();
  if (s.deploy) s.deploy->restart_policy.reset();
  s.tty = r.tty;
  s.stdin_open = r.interactive;
  return s;
}

Blueprint make_oneoff_blueprint(const compose::Project& project, const OneoffRequest& request, const std::string& slug) {
  auto it = project.services.find(request.service);
  if (it == project.services.end()) throw Error("no such service: " + request.service);
  Blueprint b = make_blueprint(project, oneoff_service(project, it->second, request, slug), 1);
  b.request.labels[labels::kOneoff] = "True";
  b.request.auto_remove = request.rm;
  return b;
}

MadeContainer create_oneoff(Context& ctx, const compose::Project& project, const OneoffRequest& request) {
  const std::string slug = base::random_hex_id();
  Blueprint b = make_oneoff_blueprint(project, request, slug);
  if (!request.no_deps) {
    UpRequest deps;
    for (const std::string& name : selected_services(project, {request.service}, false))
      if (name != request.service) deps.services.push_back(name);
    if (!deps.services.empty()) up(ctx, project, deps);
  }
  const std::map<std::string, engine::ImageForContainer> images = ensure_images(ctx, project, {request.service}, "");
  ensure_project_resources(ctx, project, {request.service});
  const engine::ImageForContainer& image = images.at(service_image(project, project.services.at(request.service)));
  return make_from_blueprint(ctx, project.name, request.service, std::move(b), image, {});
}

}  // namespace stack::orchestrator
