#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/operations.hpp"
#include "unit/orchestrator/project_fixture.hpp"

using namespace stack::orchestrator;
using stack::orchestrator::testing::project_from;

TEST_CASE("restarting a service restarts the services that depend on it with restart true", "[orchestrator]") {
  const stack::compose::Project p = project_from(
      "services:\n  db: {image: busybox}\n"
      "  api: {image: busybox, depends_on: {db: {condition: service_started, restart: true}}}\n"
      "  web: {image: busybox, depends_on: {api: {condition: service_started, restart: true}}}\n"
      "  cron: {image: busybox, depends_on: [db]}\n");
  std::vector<std::string> s = with_restart_dependents(p, {"db"});
  std::sort(s.begin(), s.end());
  CHECK(s == std::vector<std::string>{"api", "db", "web"});
  CHECK(with_restart_dependents(p, {"cron"}) == std::vector<std::string>{"cron"});
  CHECK(with_restart_dependents(p, {}).empty());
}
