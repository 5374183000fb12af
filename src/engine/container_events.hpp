// Recording a container's events in the event journal (event_journal.hpp), as Docker
// describes them: the action, the container's id, and as attributes its labels, its
// image and its name, plus what the action adds (exitCode for die, signal for kill).
//
// Recording is best effort: an event that cannot be written (full disk, read-only root)
// never fails the operation that caused it; the reason goes to the debug sink, which the
// stack command points at its --log-level debug output (the shim has none).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "engine/container_config.hpp"
#include "engine/layout.hpp"

namespace stack::engine {

void record_container_event(const Layout& layout, const ContainerConfig& config, const std::string& action,
                            const std::map<std::string, std::string>& extra = {});

// Where the reasons of events that could not be recorded go (nowhere by default).
void set_event_debug_sink(std::function<void(const std::string&)> sink);

}  // namespace stack::engine
