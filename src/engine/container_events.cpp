#include "engine/container_events.hpp"

#include "engine/event_journal.hpp"

namespace stack::engine {
namespace {

std::function<void(const std::string&)>& debug_sink() {
  static std::function<void(const std::string&)> sink;
  return sink;
}

}  // namespace

void record_container_event(const Layout& layout, const ContainerConfig& config, const std::string& action,
                            const std::map<std::string, std::string>& extra) {
  Event e;
  e.time_ns = event_clock_ns();
  e.action = action;
  e.id = config.id;
  e.attributes = config.labels;
  e.attributes["image"] = config.image.empty() ? config.rootfs : config.image;
  e.attributes["name"] = config.name;
  for (const auto& [key, value] : extra) e.attributes[key] = value;
  try {
    EventJournal(layout.events_dir()).append(e);
  } catch (const std::exception& error) {
    if (debug_sink()) debug_sink()("event " + action + " of container " + config.name + " not recorded: " + error.what());
  }
}

void set_event_debug_sink(std::function<void(const std::string&)> sink) { debug_sink() = std::move(sink); }

}  // namespace stack::engine
