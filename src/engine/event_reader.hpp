// Reading the event journal (event_journal.hpp) as `docker events` reads the daemon's
// events: from now on (or from --since, through the rotated journal), following new
// events until told to stop or until --until has passed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/event_journal.hpp"

namespace stack::engine {

struct EventReadOptions {
  // Events at or after this time, from the oldest kept; unset: only events appended
  // after the reading began.
  std::optional<int64_t> since_ns;
  // Events at or before this time; a follow ends once the clock passed it.
  std::optional<int64_t> until_ns;
  bool follow = true;
  // Asked about every 100 ms and on every change of the journal while following;
  // reading ends once it returns true.
  std::function<bool()> stop;
};

// Calls `sink` for every event in journal order. Malformed lines are skipped. Throws
// stack::Error when the journal's directory cannot be made or read.
void read_events(const EventJournal& journal, const EventReadOptions& options,
                 const std::function<void(const Event&)>& sink);

}  // namespace stack::engine
