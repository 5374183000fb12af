#include "orchestrator/apply.hpp"

#include <future>
#include <mutex>
#include <thread>

#include "base/error.hpp"
#include "compose/graph.hpp"
#include "compose/hash.hpp"
#include "orchestrator/blueprint.hpp"
#include "orchestrator/container_factory.hpp"
#include "orchestrator/images.hpp"
#include "orchestrator/operations.hpp"
#include "orchestrator/project_resources.hpp"
#include "orchestrator/waits.hpp"

namespace stack::orchestrator {
namespace {

// A service not started because something it needs failed: reported only when nothing
// else explains the failure.
class DependencyFailed : public Error {
 public:
  using Error::Error;
};

std::vector<std::string> namespace_deps(const compose::Service& s) {
  std::vector<std::string> out;
  if (s.network_mode.rfind("service:", 0) == 0) out.push_back(s.network_mode.substr(8));
  for (const std::string& v : s.volumes_from) {
    if (v.rfind("container:", 0) == 0) continue;
    std::string name = v.rfind("service:", 0) == 0 ? v.substr(8) : v;
    out.push_back(name.substr(0, name.find(':')));
  }
  return out;
}

struct Applier {
  Context& ctx;
  const compose::Project& project;
  const UpRequest& request;
  const Plan& plan;
  const std::map<std::string, engine::ImageForContainer>& images;

  // A replica scaled away or an orphan; a replica's anonymous volumes go with it (no
  // later container of that number would find them).
  void remove(const Action& a, bool with_anonymous) {
    const std::map<std::string, std::string> anonymous = anonymous_volumes(ctx, a.container_id);
    ctx.progress.event("Container", a.container_name, "Stopping");
    stop(a.container_id);
    ctx.progress.event("Container", a.container_name, "Stopped");
    ctx.progress.event("Container", a.container_name, "Removing");
    ctx.containers.remove(a.container_id, true);
    ctx.network.release(a.container_id);
    ctx.progress.event("Container", a.container_name, "Removed");
    if (!with_anonymous) return;
    std::vector<std::string> names;
    for (const auto& [target, name] : anonymous) names.push_back(name);
    remove_volumes(ctx, names, false);
  }

  std::optional<int> timeout() const {
    return request.timeout_s >= 0 ? std::optional<int>(request.timeout_s) : std::nullopt;
  }
  void stop(const std::string& id) { ctx.containers.stop(id, timeout()); }

  void start(const std::string& id, const std::string& name) {
    if (request.plan.no_start) return;
    ctx.progress.event("Container", name, "Starting");
    ctx.containers.start(id);
    ctx.progress.event("Container", name, "Started");
  }

  std::string make(const compose::Service& s, const Action& a) {
    const engine::ImageForContainer& image = images.at(service_image(project, s));
    if (a.step == Step::Create) {
      ctx.progress.event("Container", container_name(project, s, a.number), "Creating");
      const MadeContainer c = make_container(ctx, project, s, a.number, image, {});
      ctx.progress.event("Container", c.name, "Created");
      return c.id;
    }
    ctx.progress.event("Container", a.container_name, "Recreate");
    const std::map<std::string, std::string> kept = anonymous_volumes(ctx, a.container_id);
    stop(a.container_id);
    ctx.containers.remove(a.container_id, true);
    ctx.network.release(a.container_id);
    const MadeContainer c = make_container(ctx, project, s, a.number, image, kept);
    ctx.progress.event("Container", c.name, "Recreated");
    return c.id;
  }

  std::vector<std::string> run_service(const std::string& name) {
    const compose::Service& s = project.services.at(name);
    std::vector<std::string> ids;
    for (const Action& a : plan.for_service(name)) {
      switch (a.step) {
        case Step::Remove: remove(a, true); break;
        case Step::Create:
        case Step::Recreate: {
          const std::string id = make(s, a);
          start(id, ctx.containers.view(id).config.name);
          ids.push_back(id);
          break;
        }
        case Step::Start: start(a.container_id, a.container_name); ids.push_back(a.container_id); break;
        case Step::Restart:
          ctx.progress.event("Container", a.container_name, "Restarting");
          ctx.containers.restart(a.container_id, timeout());
          ctx.progress.event("Container", a.container_name, "Started");
          ids.push_back(a.container_id);
          break;
        case Step::Running:
          ctx.progress.event("Container", a.container_name, "Running");
          ids.push_back(a.container_id);
          break;
        case Step::Keep: ids.push_back(a.container_id); break;
      }
    }
    return ids;
  }
};

// Every failure of a service names it once ("service \"web\": ...").
Error naming_service(const Error& e, const std::string& service) {
  const std::string text = e.what();
  if (text.rfind("service \"", 0) == 0 || text.rfind("dependency failed", 0) == 0) return e;
  return e.wrap("service \"" + service + "\"");
}

using Results = std::map<std::string, std::shared_future<std::vector<std::string>>>;

// Waits for what `name` depends on, by its conditions.
void wait_dependencies(Context& ctx, const compose::Service& s, Results& results) {
  for (const auto& [dep, cond] : s.depends_on) {
    auto it = results.find(dep);
    if (it == results.end()) continue;  // not part of this up (--no-deps, or not required)
    std::vector<std::string> ids;
    try {
      ids = it->second.get();
    } catch (const Error& e) {
      if (!cond.required) {
        ctx.progress.warning("service \"" + s.name + "\": optional dependency \"" + dep + "\" failed: " + e.what());
        continue;
      }
      throw DependencyFailed("service \"" + s.name + "\": dependency \"" + dep + "\" failed to start");
    }
    for (const std::string& id : ids) {
      const std::string cname = ctx.containers.view(id).config.name;
      if (cond.condition == "service_healthy") {
        ctx.progress.event("Container", cname, "Waiting");
        wait_healthy(ctx.containers, id);
        ctx.progress.event("Container", cname, "Healthy");
      } else if (cond.condition == "service_completed_successfully") {
        ctx.progress.event("Container", cname, "Waiting");
        wait_completed(ctx.containers, id, dep);
        ctx.progress.event("Container", cname, "Exited");
      }
    }
  }
}

std::vector<DesiredService> desired(const compose::Project& project, const std::vector<std::string>& services,
                                    const std::map<std::string, engine::ImageForContainer>& images) {
  std::vector<DesiredService> out;
  for (const std::string& name : services) {
    const compose::Service& s = project.services.at(name);
    DesiredService d;
    d.name = name;
    d.replicas = replicas_of(s);
    d.config_hash = compose::service_config_hash(s);
    d.image_id = images.at(service_image(project, s)).id;
    d.namespace_deps = namespace_deps(s);
    for (const auto& [dep, cond] : s.depends_on)
      if (cond.restart) d.restart_deps.push_back(dep);
    out.push_back(std::move(d));
  }
  return out;
}

void warn_orphans(Context& ctx, const Plan& plan, bool removing) {
  if (plan.orphans.empty() || removing) return;
  std::vector<std::string> names;
  for (const ObservedContainer& c : plan.orphans) names.push_back(c.name);
  ctx.progress.warning(orphans_warning(names));
}

}  // namespace

int replicas_of(const compose::Service& s) {
  if (s.scale) return static_cast<int>(*s.scale);
  if (s.deploy && s.deploy->replicas) return static_cast<int>(*s.deploy->replicas);
  return 1;
}

std::vector<std::string> selected_services(const compose::Project& project, const std::vector<std::string>& names,
                                           bool no_deps) {
  const compose::Graph graph(project);
  std::set<std::string> wanted;
  if (names.empty()) {
    for (const auto& [name, s] : project.services) wanted.insert(name);
  } else {
    wanted = graph.subgraph(names, !no_deps);
  }
  std::vector<std::string> out;
  for (const std::vector<std::string>& level : graph.start_levels())
    for (const std::string& name : level)
      if (wanted.count(name)) out.push_back(name);
  return out;
}

UpResult up(Context& ctx, const compose::Project& project, const UpRequest& request) {
  const std::vector<std::string> services = selected_services(project, request.services, request.no_deps);
  const base::FileLock image_lock = ctx.images.lock_for_adding();  // no image removed under us
  const std::map<std::string, engine::ImageForContainer> images = ensure_images(ctx, project, services, request.pull, request.build);
  ensure_project_resources(ctx, project, services);
  UpOptions options = request.plan;
  for (const auto& [name, s] : project.services) options.project_services.insert(name);
  const Plan plan = plan_up(desired(project, services, images), observe_containers(ctx.containers.list(), project.name), options);
  warn_orphans(ctx, plan, options.remove_orphans);

  Applier applier{ctx, project, request, plan, images};
  for (const Action& a : plan.actions)
    if (a.step == Step::Remove && !options.project_services.count(a.service)) applier.remove(a, false);

  // Each service in its own thread, which first waits on its dependencies' results; the
  // map of results is complete before any thread starts, and only read by them.
  std::map<std::string, std::promise<std::vector<std::string>>> promises;
  Results results;
  for (const std::string& name : services) results[name] = promises[name].get_future().share();
  std::vector<std::thread> threads;
  for (const std::string& name : services) {
    threads.emplace_back([&ctx, &project, &applier, &results, &promise = promises[name], name] {
      try {
        wait_dependencies(ctx, project.services.at(name), results);
        promise.set_value(applier.run_service(name));
      } catch (const DependencyFailed&) {
        promise.set_exception(std::current_exception());
      } catch (const Error& e) {
        promise.set_exception(std::make_exception_ptr(naming_service(e, name)));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  UpResult out;
  std::optional<Error> root_cause, dependency;
  for (const std::string& name : services) {
    try {
      const std::vector<std::string> ids = results[name].get();
      out.containers.insert(out.containers.end(), ids.begin(), ids.end());
    } catch (const DependencyFailed& e) {
      if (!dependency) dependency = e;
    } catch (const Error& e) {
      if (!root_cause) root_cause = e;
    }
  }
  if (root_cause) throw *root_cause;
  if (dependency) throw *dependency;
  if (request.wait) {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (request.wait_timeout_s > 0) deadline = std::chrono::steady_clock::now() + std::chrono::seconds(request.wait_timeout_s);
    for (const std::string& id : out.containers) wait_running(ctx.containers, id, deadline);
  }
  return out;
}

}  // namespace stack::orchestrator
