#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "engine/container_state.hpp"

using namespace stack::engine;

TEST_CASE("container state survives a save and load", "[state]") {
  std::string t = (std::filesystem::temp_directory_path() / "stack-state-XXXXXX").string();
  const std::string dir = mkdtemp(t.data());
  ContainerState s;
  s.id = "abc";
  s.name = "blog-web-1";
  s.status = Status::Running;
  s.pid = 42;
  s.shim_pid = 41;
  s.started = "2026-11-23T10:00:00.000000000Z";
  s.restart_count = 2;
  s.health = Health{"healthy", 0, {{"a", "b", 0, "ok"}}};
  save_state(dir, s);
  CHECK(load_state(dir) == s);
  s.status = Status::Exited;
  s.exit_code = 137;
  s.oom_killed = true;
  s.health.reset();
  save_state(dir, s);
  CHECK(load_state(dir) == s);
  std::filesystem::remove_all(dir);
}

TEST_CASE("container status names are Docker's", "[state]") {
  CHECK(status_name(Status::Restarting) == "restarting");
  CHECK(parse_status("paused") == Status::Paused);
  REQUIRE_THROWS_WITH(parse_status("sleeping"), "unknown container status \"sleeping\"");
}

TEST_CASE("a malformed state file is an error naming it", "[state]") {
  REQUIRE_THROWS_WITH(state_from_json("{\"status\": \"zombie\"}", "/c/state.json"),
                      "/c/state.json: unknown container status \"zombie\"");
  REQUIRE_THROWS_WITH(state_from_json("{", "/c/state.json"), Catch::StartsWith("/c/state.json: invalid container state"));
}
