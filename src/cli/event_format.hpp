// `stack events` lines, as `docker compose events` prints them (in local time):
//   text: 2026-12-05 16:20:01.123456 container start 3f2a...e1 (image=busybox, name=p-web-1)
//   json: {"action":"start","attributes":{...},"id":"3f2a...e1","service":"web",
//          "time":"2026-12-05T16:20:01.123456789+01:00","type":"container"}
// (compose's json keys come sorted, as Go marshals a map; its time is Go's RFC 3339 with
// nanoseconds, trailing zeros dropped; its text attributes are in map order, sorted here.)
#pragma once

#include <cstdint>
#include <string>

#include "orchestrator/project_events.hpp"

namespace stack::cli {

std::string event_text(const orchestrator::ProjectEvent& event);  // without a newline
std::string event_json(const orchestrator::ProjectEvent& event);  // without a newline

// Unix nanoseconds in local time: "2006-01-02 15:04:05.000000" and Go's RFC3339Nano.
std::string local_time_micro(int64_t ns);
std::string local_time_rfc3339_nano(int64_t ns);

}  // namespace stack::cli
