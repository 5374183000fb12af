#include <catch2/catch.hpp>

#include "orchestrator/plan.hpp"

using namespace stack::orchestrator;
using stack::engine::Status;

namespace {

ObservedContainer container(const std::string& service, int number, const std::string& hash,
                            Status status = Status::Running, const std::string& image = "sha256:img") {
  ObservedContainer c;
  c.id = service + std::to_string(number) + "-id";
  c.name = "p-" + service + "-" + std::to_string(number);
  c.service = service;
  c.number = number;
  c.config_hash = hash;
  c.image_id = image;
  c.status = status;
  return c;
}

DesiredService service(const std::string& name, const std::string& hash, int replicas = 1) {
  DesiredService s;
  s.name = name;
  s.config_hash = hash;
  s.image_id = "sha256:img";
  s.replicas = replicas;
  return s;
}

std::vector<Step> steps(const Plan& p, const std::string& svc) {
  std::vector<Step> out;
  for (const Action& a : p.for_service(svc)) out.push_back(a.step);
  return out;
}

UpOptions options() {
  UpOptions o;
  o.project_services = {"web", "db"};
  return o;
}

}  // namespace

TEST_CASE("a first up creates every replica", "[orchestrator][plan]") {
  const Plan p = plan_up({service("db", "h1"), service("web", "h2", 2)}, {}, options());
  CHECK(steps(p, "db") == std::vector<Step>{Step::Create});
  CHECK(steps(p, "web") == std::vector<Step>{Step::Create, Step::Create});
  CHECK(p.for_service("web")[1].number == 2);
}

TEST_CASE("an unchanged running project plans nothing but running", "[orchestrator][plan]") {
  const Plan p = plan_up({service("web", "h")}, {container("web", 1, "h")}, options());
  CHECK(steps(p, "web") == std::vector<Step>{Step::Running});
}

TEST_CASE("a stopped unchanged container is started, not recreated", "[orchestrator][plan]") {
  const Plan p = plan_up({service("web", "h")}, {container("web", 1, "h", Status::Exited)}, options());
  CHECK(steps(p, "web") == std::vector<Step>{Step::Start});
}

TEST_CASE("a changed config hash or image recreates, and only that service", "[orchestrator][plan]") {
  const Plan p = plan_up({service("db", "same"), service("web", "new")},
                         {container("db", 1, "same"), container("web", 1, "old")}, options());
  CHECK(steps(p, "db") == std::vector<Step>{Step::Running});
  CHECK(steps(p, "web") == std::vector<Step>{Step::Recreate});
  CHECK(p.for_service("web")[0].container_id == "web1-id");

  const Plan q = plan_up({service("web", "h")}, {container("web", 1, "h", Status::Running, "sha256:older")}, options());
  CHECK(steps(q, "web") == std::vector<Step>{Step::Recreate});
}

TEST_CASE("force-recreate and no-recreate override the hash", "[orchestrator][plan]") {
  UpOptions force = options();
  force.force_recreate = true;
  CHECK(steps(plan_up({service("web", "h")}, {container("web", 1, "h")}, force), "web") == std::vector<Step>{Step::Recreate});
  UpOptions keep = options();
  keep.no_recreate = true;
  CHECK(steps(plan_up({service("web", "new")}, {container("web", 1, "old")}, keep), "web") == std::vector<Step>{Step::Running});
}

TEST_CASE("a service sharing a recreated service's namespace is recreated too", "[orchestrator][plan]") {
  DesiredService web = service("web", "h");
  web.namespace_deps = {"db"};
  const Plan p = plan_up({service("db", "new"), web}, {container("db", 1, "old"), container("web", 1, "h")}, options());
  CHECK(steps(p, "db") == std::vector<Step>{Step::Recreate});
  CHECK(steps(p, "web") == std::vector<Step>{Step::Recreate});
}

TEST_CASE("scaling up adds the lowest free numbers, scaling down removes the highest", "[orchestrator][plan]") {
  const Plan up = plan_up({service("web", "h", 3)}, {container("web", 2, "h")}, options());
  const std::vector<Action> a = up.for_service("web");
  REQUIRE(a.size() == 3);
  CHECK(a[0].step == Step::Running);
  CHECK(a[1].step == Step::Create);
  CHECK(a[1].number == 1);
  CHECK(a[2].number == 3);

  UpOptions scale = options();
  scale.scale["web"] = 1;
  const Plan down = plan_up({service("web", "h", 3)},
                            {container("web", 1, "h"), container("web", 2, "h"), container("web", 3, "h")}, scale);
  const std::vector<Action> d = down.for_service("web");
  REQUIRE(d.size() == 3);
  CHECK(d[0].step == Step::Remove);
  CHECK(d[0].number == 2);
  CHECK(d[1].step == Step::Remove);
  CHECK(d[1].number == 3);
  CHECK(d[2].step == Step::Running);
  CHECK(d[2].number == 1);
}

TEST_CASE("containers of services no longer in the file are orphans, removed only when asked", "[orchestrator][plan]") {
  const std::vector<ObservedContainer> seen = {container("web", 1, "h"), container("old", 1, "x")};
  const Plan kept = plan_up({service("web", "h")}, seen, options());
  REQUIRE(kept.orphans.size() == 1);
  CHECK(kept.orphans[0].name == "p-old-1");
  CHECK(kept.for_service("old").empty());
  UpOptions remove = options();
  remove.remove_orphans = true;
  CHECK(steps(plan_up({service("web", "h")}, seen, remove), "old") == std::vector<Step>{Step::Remove});
}

TEST_CASE("no-start leaves stopped containers as they are", "[orchestrator][plan]") {
  UpOptions o = options();
  o.no_start = true;
  CHECK(steps(plan_up({service("web", "h")}, {container("web", 1, "h", Status::Exited)}, o), "web") ==
        std::vector<Step>{Step::Keep});
}

TEST_CASE("one-off containers are not replicas", "[orchestrator][plan]") {
  ObservedContainer run = container("web", 1, "h");
  run.oneoff = true;
  CHECK(steps(plan_up({service("web", "h")}, {run}, options()), "web") == std::vector<Step>{Step::Create});
}

TEST_CASE("a running service restarts when a restart-true dependency is recreated", "[orchestrator][plan]") {
  DesiredService web = service("web", "h");
  web.restart_deps = {"db"};
  const Plan p = plan_up({service("db", "new"), web}, {container("db", 1, "old"), container("web", 1, "h")}, options());
  CHECK(steps(p, "web") == std::vector<Step>{Step::Restart});
  const Plan q = plan_up({service("db", "old"), web}, {container("db", 1, "old"), container("web", 1, "h")}, options());
  CHECK(steps(q, "web") == std::vector<Step>{Step::Running});
}
