#include <catch2/catch.hpp>

#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/event_format.hpp"
#include "unit/image/scratch.hpp"

using stack::cli::event_json;
using stack::cli::event_text;
using stack::cli::local_time_micro;
using stack::cli::local_time_rfc3339_nano;
using stack::orchestrator::ProjectEvent;

namespace {

// The events print local time: each test fixes the zone (TZ, restored after it).
class Zone {
 public:
  explicit Zone(const char* tz) {
    env_.set("TZ", tz);
    tzset();
  }

 private:
  struct Reload {
    ~Reload() { tzset(); }
  } reload_;                        // destroyed last: once env_ put the old TZ back
  stack::testing::EnvOverride env_;
};

constexpr int64_t kAt = 1'796'487'601'123'456'789;  // 2026-12-05T16:20:01.123456789Z

ProjectEvent start_event() {
  return {kAt, "start", "3f2a", "web", {{"name", "p-web-1"}, {"image", "busybox"}}};
}

}  // namespace

TEST_CASE("event times print as compose prints them, in local time", "[events]") {
  {
    const Zone utc("UTC");
    CHECK(local_time_micro(kAt) == "2026-12-05 16:20:01.123456");
    CHECK(local_time_rfc3339_nano(kAt) == "2026-12-05T16:20:01.123456789Z");
    CHECK(local_time_rfc3339_nano(kAt - 456'789) == "2026-12-05T16:20:01.123Z");  // trailing zeros dropped
    CHECK(local_time_rfc3339_nano(kAt - 123'456'789) == "2026-12-05T16:20:01Z");
  }
  const Zone east("CET-1");
  CHECK(local_time_micro(kAt) == "2026-12-05 17:20:01.123456");
  CHECK(local_time_rfc3339_nano(kAt) == "2026-12-05T17:20:01.123456789+01:00");
}

TEST_CASE("an event's text line is compose's, attributes sorted", "[events]") {
  const Zone utc("UTC");
  CHECK(event_text(start_event()) == "2026-12-05 16:20:01.123456 container start 3f2a (image=busybox, name=p-web-1)");
}

TEST_CASE("an event's json line has compose's keys, sorted as Go marshals a map", "[events]") {
  const Zone utc("UTC");
  CHECK(event_json(start_event()) ==
        R"({"action":"start","attributes":{"image":"busybox","name":"p-web-1"},"id":"3f2a",)"
        R"("service":"web","time":"2026-12-05T16:20:01.123456789Z","type":"container"})");
}

TEST_CASE("an event's json line escapes <, > and & as Go's encoder does", "[events]") {
  const Zone utc("UTC");
  ProjectEvent e = start_event();
  e.attributes["image"] = "registry.local/a<b>&c\u2028";
  const std::string line = event_json(e);
  CHECK(line.find(R"("image":"registry.local/a\u003cb\u003e\u0026c\u2028")") != std::string::npos);
  CHECK(nlohmann::json::parse(line)["attributes"]["image"] == e.attributes["image"]);
}
