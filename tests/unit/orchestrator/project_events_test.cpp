#include <catch2/catch.hpp>

#include "orchestrator/labels.hpp"
#include "orchestrator/project_events.hpp"

using stack::engine::Event;
using stack::orchestrator::project_event;
namespace labels = stack::orchestrator::labels;

namespace {

Event event_of(const std::string& project, const std::string& service, const std::string& oneoff = "False") {
  Event e;
  e.time_ns = 1'700'000'000'000'000'000;
  e.action = "die";
  e.id = "3f2a";
  e.attributes = {{labels::kProject, project},    {labels::kService, service}, {labels::kOneoff, oneoff},
                  {labels::kNumber, "1"},          {"image", "busybox"},       {"name", project + "-" + service + "-1"},
                  {"exitCode", "0"},               {"com.example.team", "blue"}};
  return e;
}

}  // namespace

TEST_CASE("a project's event names its service and keeps only the attributes compose shows", "[events]") {
  const auto e = project_event(event_of("p", "web"), "p", {});
  REQUIRE(e);
  CHECK(e->service == "web");
  CHECK(e->action == "die");
  CHECK(e->id == "3f2a");
  CHECK(e->time_ns == 1'700'000'000'000'000'000);
  const std::map<std::string, std::string> shown = {
      {"image", "busybox"}, {"name", "p-web-1"}, {"exitCode", "0"}, {"com.example.team", "blue"}};
  CHECK(e->attributes == shown);
}

TEST_CASE("events of other projects, other services and one-off containers are left out", "[events]") {
  CHECK_FALSE(project_event(event_of("other", "web"), "p", {}));
  CHECK_FALSE(project_event(event_of("p", "web", "True"), "p", {}));
  CHECK_FALSE(project_event(event_of("p", "web"), "p", {"db"}));
  CHECK(project_event(event_of("p", "web"), "p", {"db", "web"}));
  Event unlabelled = event_of("p", "web");
  unlabelled.attributes.erase(labels::kProject);
  CHECK_FALSE(project_event(unlabelled, "p", {}));
}
