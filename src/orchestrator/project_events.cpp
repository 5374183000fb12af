#include "orchestrator/project_events.hpp"

#include <algorithm>

#include "orchestrator/labels.hpp"

namespace stack::orchestrator {
namespace {

std::string attribute(const engine::Event& e, const char* key) {
  auto it = e.attributes.find(key);
  return it == e.attributes.end() ? std::string() : it->second;
}

}  // namespace

std::optional<ProjectEvent> project_event(const engine::Event& e, const std::string& project,
                                          const std::vector<std::string>& services) {
  if (e.type != "container" || attribute(e, labels::kProject) != project) return std::nullopt;
  if (attribute(e, labels::kOneoff) == "True") return std::nullopt;
  ProjectEvent out{e.time_ns, e.action, e.id, attribute(e, labels::kService), {}};
  if (!services.empty() && std::find(services.begin(), services.end(), out.service) == services.end()) return std::nullopt;
  for (const auto& [key, value] : e.attributes)
    if (!key.starts_with("stack.")) out.attributes.emplace(key, value);
  return out;
}

void read_project_events(const engine::Layout& layout, const std::string& project, const std::vector<std::string>& services,
                         const engine::EventReadOptions& options, const std::function<void(const ProjectEvent&)>& sink) {
  engine::read_events(engine::EventJournal(layout.events_dir()), options, [&](const engine::Event& e) {
    if (auto p = project_event(e, project, services)) sink(*p);
  });
}

}  // namespace stack::orchestrator
