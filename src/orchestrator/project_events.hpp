// A project's container events, as `docker compose events` shows them: the engine's
// events (engine/event_journal.hpp) of the project's containers (by label), one-off
// `run` containers left out, the project's own labels dropped from the attributes
// (compose drops its com.docker.compose.* labels; ours are stack.*).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/event_journal.hpp"
#include "engine/event_reader.hpp"
#include "engine/layout.hpp"

namespace stack::orchestrator {

struct ProjectEvent {
  int64_t time_ns = 0;
  std::string action;
  std::string id;
  std::string service;
  std::map<std::string, std::string> attributes;
  bool operator==(const ProjectEvent&) const = default;
};

// The event as the project sees it, or nullopt when it is not one of the project's
// containers or not of `services` (every service when empty).
std::optional<ProjectEvent> project_event(const engine::Event& event, const std::string& project,
                                          const std::vector<std::string>& services);

// Reads (and follows, as `options` say) the engine's journal under `layout`, passing the
// project's events to `sink`.
void read_project_events(const engine::Layout& layout, const std::string& project, const std::vector<std::string>& services,
                         const engine::EventReadOptions& options, const std::function<void(const ProjectEvent&)>& sink);

}  // namespace stack::orchestrator
