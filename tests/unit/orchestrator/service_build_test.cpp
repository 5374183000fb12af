#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "unit/image/scratch.hpp"
#include "orchestrator/service_build.hpp"
#include "unit/orchestrator/project_fixture.hpp"

using stack::orchestrator::service_build_request;
using stack::orchestrator::ServiceBuildOptions;
using stack::orchestrator::testing::project_from;

TEST_CASE("a service's build: becomes a build request named project-service", "[orchestrator][build]") {
  stack::testing::TempDir tmp;
  tmp.write("web/Dockerfile.dev", "FROM scratch\n");
  auto project = project_from(R"(
services:
  web:
    build:
      context: )" + (tmp / "web") + R"(
      dockerfile: Dockerfile.dev
      args:
        A: "1"
        B: "2"
      target: prod
      labels:
        x: "y"
      tags: ["extra:1"]
      no_cache: true
)");
  ServiceBuildOptions options;
  options.build_args = {{"B", "cli"}};
  const auto r = service_build_request(project, project.services.at("web"), options);
  CHECK(r.context_dir == tmp / "web");
  CHECK(r.dockerfile == tmp / "web" + "/Dockerfile.dev");
  CHECK(r.build_args == std::map<std::string, std::string>{{"A", "1"}, {"B", "cli"}});
  CHECK(r.target == "prod");
  CHECK(r.labels.at("x") == "y");
  CHECK(r.tags == std::vector<std::string>{"proj-web", "extra:1"});
  CHECK(r.no_cache);
  CHECK(r.network == "default");
}

TEST_CASE("a service with image: and build: builds that image name", "[orchestrator][build]") {
  stack::testing::TempDir tmp;
  auto project = project_from("services:\n  web:\n    image: me/web:2\n    build:\n      context: " + tmp.path().string() +
                              "\n      dockerfile_inline: |\n        FROM scratch\n");
  const auto r = service_build_request(project, project.services.at("web"), {});
  CHECK(r.tags.front() == "me/web:2");
  CHECK(r.dockerfile_text == "FROM scratch\n");
}

TEST_CASE("a remote build context is an error naming the service", "[orchestrator][build]") {
  auto project = project_from("services:\n  web:\n    build: https://example.invalid/repo.git\n");
  CHECK_THROWS_WITH(service_build_request(project, project.services.at("web"), {}),
                    Catch::Contains("service \"web\"") && Catch::Contains("remote"));
}
