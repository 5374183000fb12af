#include "orchestrator/plan.hpp"

#include <algorithm>

namespace stack::orchestrator {
namespace {

bool needs_recreate(const DesiredService& s, const ObservedContainer& c, const std::set<std::string>& recreated,
                    const UpOptions& o) {
  if (o.force_recreate) return true;
  if (o.no_recreate) return false;
  if (c.config_hash != s.config_hash) return true;
  if (!s.image_id.empty() && c.image_id != s.image_id) return true;
  return std::any_of(s.namespace_deps.begin(), s.namespace_deps.end(),
                     [&](const std::string& d) { return recreated.count(d) > 0; });
}

Step existing_step(const DesiredService& s, const ObservedContainer& c, bool recreate,
                   const std::set<std::string>& recreated, const UpOptions& o) {
  if (recreate) return Step::Recreate;
  const bool dependency_changed = std::any_of(s.restart_deps.begin(), s.restart_deps.end(),
                                              [&](const std::string& d) { return recreated.count(d) > 0; });
  if (is_running(c.status)) return dependency_changed ? Step::Restart : Step::Running;
  return o.no_start ? Step::Keep : Step::Start;
}

// The smallest replica numbers not in use, as compose numbers new replicas.
std::vector<int> free_numbers(const std::vector<ObservedContainer>& kept, int count) {
  std::vector<int> out;
  for (int n = 1; static_cast<int>(out.size()) < count; ++n) {
    bool used = std::any_of(kept.begin(), kept.end(), [n](const ObservedContainer& c) { return c.number == n; });
    if (!used) out.push_back(n);
  }
  return out;
}

}  // namespace

std::string step_name(Step s) {
  switch (s) {
    case Step::Create: return "create";
    case Step::Recreate: return "recreate";
    case Step::Start: return "start";
    case Step::Running: return "running";
    case Step::Restart: return "restart";
    case Step::Keep: return "keep";
    case Step::Remove: return "remove";
  }
  return "?";
}

std::vector<Action> Plan::for_service(const std::string& service) const {
  std::vector<Action> out;
  for (const Action& a : actions)
    if (a.service == service) out.push_back(a);
  return out;
}

Plan plan_up(const std::vector<DesiredService>& services, const std::vector<ObservedContainer>& observed,
             const UpOptions& o) {
  Plan plan;
  std::set<std::string> recreated;
  for (const DesiredService& s : services) {
    std::vector<ObservedContainer> mine;
    for (const ObservedContainer& c : observed)
      if (c.service == s.name && !c.oneoff) mine.push_back(c);
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    auto scaled = o.scale.find(s.name);
    const int replicas = scaled == o.scale.end() ? s.replicas : scaled->second;
    std::vector<ObservedContainer> kept;
    for (const ObservedContainer& c : mine) {
      if (static_cast<int>(kept.size()) < replicas) {
        kept.push_back(c);
        continue;
      }
      plan.actions.push_back({Step::Remove, s.name, c.number, c.id, c.name});
    }
    for (const ObservedContainer& c : kept) {
      const bool recreate = needs_recreate(s, c, recreated, o);
      if (recreate) recreated.insert(s.name);
      plan.actions.push_back({existing_step(s, c, recreate, recreated, o), s.name, c.number, c.id, c.name});
    }
    const int missing = replicas - static_cast<int>(kept.size());
    for (int n : free_numbers(kept, std::max(missing, 0))) plan.actions.push_back({Step::Create, s.name, n, "", ""});
  }
  for (const ObservedContainer& c : observed) {
    if (c.oneoff || o.project_services.count(c.service)) continue;
    plan.orphans.push_back(c);
    if (o.remove_orphans) plan.actions.push_back({Step::Remove, c.service, c.number, c.id, c.name});
  }
  return plan;
}

}  // namespace stack::orchestrator
