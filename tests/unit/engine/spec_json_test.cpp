#include <catch2/catch.hpp>

#include "engine/runtime/spec_json.hpp"

using namespace stack::engine::runtime;

TEST_CASE("spec JSON round trip keeps every field", "[spec]") {
  Spec s;
  s.process.args = {"/bin/sh", "-c", "echo hi"};
  s.process.env = {"PATH=/bin", "A=1"};
  s.process.user = "tester:audio";
  s.process.rlimits = {{"nofile", 1024, 2048}};
  s.process.oom_score_adj = -100;
  s.root.lower_dirs = {"/l/2", "/l/1"};
  s.root.read_only = true;
  s.hostname = "web";
  s.mounts = {{"/data", "bind", "/srv/data", {"rbind", "ro"}}};
  s.namespaces = {{"network", "/run/stack/netns/x"}, {"pid", ""}};
  s.sysctl = {{"net.core.somaxconn", "1024"}};
  s.resources.memory_limit = 64 << 20;
  s.resources.blkio_read_bps = {{8, 0, 1048576}};
  s.devices = {{"/dev/fuse", 'c', 10, 229, 0666, 0, 0, "rwm"}};
  Spec back = spec_from_json(spec_to_json(s), "spec.json");
  CHECK(back == s);
}

TEST_CASE("spec JSON reports malformed input with its origin", "[spec]") {
  REQUIRE_THROWS_WITH(spec_from_json("{\"process\": 3}", "/x/spec.json"),
                      Catch::StartsWith("/x/spec.json: invalid container spec: "));
}
