#include "orchestrator/images.hpp"

#include <functional>
#include <future>
#include <mutex>
#include <set>

#include "base/error.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/transfer.hpp"
#include "orchestrator/service_build.hpp"

namespace stack::orchestrator {
namespace {

class SilentObserver : public engine::image::TransferObserver {
 public:
  void layer(const std::string&, const std::string&, uint64_t, uint64_t) override {}
  void message(const std::string&) override {}
};

engine::ImageForContainer for_container(const engine::image::ImageStore& store, const std::string& ref,
                                        const engine::image::ImageEntry& e) {
  return {ref, e.record.id, store.lower_dirs(e.record), store.config(e.record).config};
}

engine::ImageForContainer pull_one(Context& ctx, const std::string& service, const std::string& ref) {
  ctx.progress.event("Image", ref, "Pulling");
  try {
    SilentObserver observer;
    const engine::image::PullResult r =
        engine::image::pull_image(ctx.images, engine::image::parse_reference(ref), ctx.registry, observer);
    ctx.progress.event("Image", ref, "Pulled");
    return for_container(ctx.images, ref, r.image);
  } catch (const Error& e) {
    ctx.progress.event("Image", ref, "Error");
    throw Error("service \"" + service + "\": pull image \"" + ref + "\": " + e.what(), e.hint());
  }
}

void push_one(Context& ctx, const std::string& service, const std::string& ref) {
  ctx.progress.event("Image", ref, "Pushing");
  try {
    SilentObserver observer;
    engine::image::push_image(ctx.images, engine::image::parse_reference(ref), ctx.registry, observer);
    ctx.progress.event("Image", ref, "Pushed");
  } catch (const Error& e) {
    ctx.progress.event("Image", ref, "Error");
    throw Error("service \"" + service + "\": push image \"" + ref + "\": " + e.what(), e.hint());
  }
}

using Job = std::pair<std::string, std::string>;  // (service, reference)

// Runs the groups at once, and the jobs of a group one after another (each tried even when
// an earlier one failed); after all ended, throws the first error, or with
// `ignore_failures` warns of each and goes on.
void at_once(Context& ctx, const std::vector<std::vector<Job>>& groups,
             const std::function<void(const std::string&, const std::string&)>& one, bool ignore_failures) {
  std::vector<std::vector<Error>> errors(groups.size());
  {
    std::vector<std::future<void>> running;
    for (size_t i = 0; i < groups.size(); ++i)
      running.push_back(std::async(std::launch::async, [&one, &group = groups[i], &failed = errors[i]] {
        for (const auto& [service, ref] : group) {
          try {
            one(service, ref);
          } catch (const Error& e) {
            failed.push_back(e);
          }
        }
      }));
    for (auto& f : running) f.get();
  }
  for (const std::vector<Error>& failed : errors)
    for (const Error& e : failed) {
      if (!ignore_failures) throw e;
      ctx.progress.warning(e.what());
    }
}

// Every job a group of its own: all at once.
std::vector<std::vector<Job>> each_alone(const std::vector<Job>& jobs) {
  std::vector<std::vector<Job>> groups;
  for (const Job& job : jobs) groups.push_back({job});
  return groups;
}

}  // namespace

std::string service_image(const compose::Project& project, const compose::Service& service) {
  return service.image.empty() ? project.name + "-" + service.name : service.image;
}

std::string effective_pull_policy(const compose::Service& service, const std::string& pull_flag) {
  if (!pull_flag.empty()) return pull_flag;
  const std::string& p = service.pull_policy;
  // A service with build: and no pull_policy is built when its image is missing (ensure_images).
  if (p.empty() || p == "if_not_present" || p == "missing") return "missing";
  if (p == "always" || p == "never" || p == "build") return p;
  return "missing";  // daily, weekly, every_<duration>: the store's copy is recent enough here
}

std::map<std::string, engine::ImageForContainer> ensure_images(Context& ctx, const compose::Project& project,
                                                               const std::vector<std::string>& services,
                                                               const std::string& pull_flag, const std::string& build_flag) {
  std::map<std::string, engine::ImageForContainer> out;
  std::map<std::string, std::pair<std::string, std::string>> to_pull;  // ref -> (service, why)
  std::map<std::string, std::string> to_build;                         // ref -> service
  for (const std::string& name : services) {
    const compose::Service& s = project.services.at(name);
    const std::string ref = service_image(project, s);
    if (out.count(ref) || to_pull.count(ref) || to_build.count(ref)) continue;
    const std::string policy = effective_pull_policy(s, pull_flag);
    std::optional<engine::image::ImageEntry> e = policy == "always" ? std::nullopt : ctx.images.find(ref);
    const bool build = s.build && build_flag != "never" && (build_flag == "always" || policy == "build" || !e);
    if (build) {
      to_build[ref] = name;
    } else if (e) {
      out.emplace(ref, for_container(ctx.images, ref, *e));
    } else if (policy == "never") {
      throw Error("service \"" + name + "\": No such image: " + ref, "pull it (stack pull " + name + ") or load it");
    } else if (s.build) {
      throw Error("service \"" + name + "\": No such image: " + ref + " (--no-build)", "build it: stack build " + name);
    } else {
      to_pull[ref] = {name, policy};
    }
  }
  if (!to_build.empty()) {
    std::vector<std::string> names;
    for (const auto& [ref, service] : to_build) names.push_back(service);
    for (const auto& [service, image] : build_service_images(ctx, project, names, {})) {
      const std::string ref = service_image(project, project.services.at(service));
      out.emplace(ref, for_container(ctx.images, ref, image));
    }
  }
  std::vector<Job> jobs;
  for (const auto& [ref, why] : to_pull) jobs.emplace_back(why.first, ref);
  std::mutex pulled;
  at_once(ctx, each_alone(jobs), [&](const std::string& service, const std::string& ref) {
    engine::ImageForContainer image = pull_one(ctx, service, ref);
    const std::lock_guard lock(pulled);
    out.emplace(ref, std::move(image));
  }, false);
  return out;
}


void pull_images(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                 bool ignore_failures) {
  std::set<std::string> refs;
  std::vector<Job> jobs;
  for (const std::string& name : services) {
    const compose::Service& s = project.services.at(name);
    if (!s.image.empty() && refs.insert(s.image).second) jobs.emplace_back(name, s.image);
  }
  at_once(ctx, each_alone(jobs), [&ctx](const std::string& service, const std::string& ref) { pull_one(ctx, service, ref); },
          ignore_failures);
}

void push_images(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                 bool ignore_failures) {
  std::set<std::string> refs;
  // A service's references (its image and build tags) name the same content, so they are
  // pushed one after another: the later ones find the blobs already there. Pushed at once,
  // two uploads of one blob raced in the registry, which answered one of them HTTP 500.
  // The services still go at once.
  std::vector<std::vector<Job>> per_service;
  for (const std::string& name : services) {
    const compose::Service& s = project.services.at(name);
    if (!s.build || s.image.empty()) {
      ctx.progress.event("Service", name, "Skipped");
      continue;
    }
    std::vector<Job> mine;
    if (refs.insert(s.image).second) mine.emplace_back(name, s.image);
    for (const std::string& ref : s.build->tags)
      if (refs.insert(ref).second) mine.emplace_back(name, ref);
    if (!mine.empty()) per_service.push_back(std::move(mine));
  }
  at_once(ctx, per_service, [&ctx](const std::string& service, const std::string& ref) { push_one(ctx, service, ref); },
          ignore_failures);
}

}  // namespace stack::orchestrator
