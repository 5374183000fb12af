#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/labels.hpp"
#include "orchestrator/oneoff.hpp"
#include "unit/orchestrator/project_fixture.hpp"

using namespace stack::orchestrator;
using stack::orchestrator::testing::project_from;

namespace {

const char* kYaml =
    "services:\n"
    "  web:\n"
    "    image: busybox\n"
    "    command: [httpd, -f]\n"
    "    restart: always\n"
    "    ports: [\"8080:80\"]\n"
    "    environment: {A: \"1\"}\n"
    "    volumes: [data:/data]\n"
    "volumes:\n"
    "  data: {}\n";

const std::string kSlug = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

Blueprint oneoff_of(const OneoffRequest& r) { return make_oneoff_blueprint(project_from(kYaml), r, kSlug); }

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("a one-off container is named project-service-run-12hex and labelled oneoff", "[orchestrator]") {
  OneoffRequest r;
  r.service = "web";
  const Blueprint b = oneoff_of(r);
  CHECK(b.request.name == "proj-web-run-0123456789ab");
  CHECK(b.request.labels.at(labels::kOneoff) == "True");
  CHECK(b.request.labels.at(labels::kService) == "web");
  CHECK(b.request.labels.at(labels::kProject) == "proj");
  CHECK(b.request.restart == "no");
  CHECK_FALSE(b.request.auto_remove);
}

TEST_CASE("a one-off container publishes no ports unless service-ports", "[orchestrator]") {
  OneoffRequest r;
  r.service = "web";
  CHECK(oneoff_of(r).ports.empty());
  r.service_ports = true;
  REQUIRE(oneoff_of(r).ports.size() == 1);
  CHECK(oneoff_of(r).ports.front().host_port == 8080);
}

TEST_CASE("run's publish flag adds ports to the one-off container", "[orchestrator]") {
  OneoffRequest r;
  r.service = "web";
  r.publish = {"9090:90"};
  const Blueprint b = oneoff_of(r);
  REQUIRE(b.ports.size() == 1);
  CHECK(b.ports.front().host_port == 9090);
  CHECK(b.ports.front().container_port == 90);
}

TEST_CASE("run's command and flags override the service's", "[orchestrator]") {
  OneoffRequest r;
  r.service = "web";
  r.command = {"echo", "hi"};
  r.entrypoint = std::vector<std::string>{"sh", "-c"};
  r.env = {"B=2", "A=3"};
  r.user = "nobody";
  r.workdir = "/tmp";
  r.labels = {"x=y"};
  r.name = "mine";
  r.rm = true;
  const Blueprint b = oneoff_of(r);
  CHECK(b.request.command == std::vector<std::string>{"echo", "hi"});
  CHECK(b.request.entrypoint == std::vector<std::string>{"sh", "-c"});
  CHECK(b.entrypoint_given);
  CHECK(has(b.request.env, "A=3"));
  CHECK(has(b.request.env, "B=2"));
  CHECK(b.request.user == "nobody");
  CHECK(b.request.workdir == "/tmp");
  CHECK(b.request.labels.at("x") == "y");
  CHECK(b.request.name == "mine");
  CHECK(b.request.auto_remove);
}

TEST_CASE("a one-off container keeps the service's command volumes and network alias", "[orchestrator]") {
  OneoffRequest r;
  r.service = "web";
  r.volumes = {"./here:/here:ro"};
  const Blueprint b = oneoff_of(r);
  CHECK(b.request.command == std::vector<std::string>{"httpd", "-f"});
  REQUIRE(b.volumes.size() == 1);
  CHECK(b.volumes.front().name == "proj_data");
  CHECK(has(b.request.volumes, "/srv/app/here:/here:ro"));
  REQUIRE(b.attachments.size() == 1);
  CHECK(b.attachments.front().network == "proj_default");
  CHECK(has(b.attachments.front().aliases, "web"));
}

TEST_CASE("a one-off container of an unknown service is refused", "[orchestrator]") {
  OneoffRequest r;
  r.service = "nope";
  CHECK_THROWS_WITH(oneoff_of(r), Catch::Contains("no such service: nope"));
}
