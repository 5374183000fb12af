#include <catch2/catch.hpp>

#include "engine/shim/restart_policy.hpp"

using namespace stack::engine::shim;
using namespace std::chrono_literals;

TEST_CASE("restart policies parse as compose writes them", "[restart]") {
  CHECK(parse_restart_policy("").kind == RestartPolicy::Kind::No);
  CHECK(parse_restart_policy("no").kind == RestartPolicy::Kind::No);
  CHECK(parse_restart_policy("always").kind == RestartPolicy::Kind::Always);
  CHECK(parse_restart_policy("unless-stopped").kind == RestartPolicy::Kind::UnlessStopped);
  RestartPolicy p = parse_restart_policy("on-failure:3");
  CHECK(p.kind == RestartPolicy::Kind::OnFailure);
  CHECK(p.max_retries == 3);
  CHECK_FALSE(parse_restart_policy("on-failure").max_retries);
  REQUIRE_THROWS_WITH(parse_restart_policy("sometimes"), Catch::StartsWith("invalid restart policy \"sometimes\""));
  REQUIRE_THROWS_WITH(parse_restart_policy("on-failure:x"), Catch::Contains("non-negative integer"));
  REQUIRE_THROWS_WITH(parse_restart_policy("on-failure3"), Catch::Contains("non-negative integer"));
}

TEST_CASE("each policy decides as Docker does", "[restart]") {
  auto decide = [](const char* policy, int code, int count = 0, bool stopped = false) {
    return should_restart(parse_restart_policy(policy), ExitFacts{code, stopped, count, 1s});
  };
  CHECK_FALSE(decide("no", 1));
  CHECK(decide("always", 0));
  CHECK(decide("always", 1));
  CHECK(decide("unless-stopped", 0));
  CHECK(decide("on-failure", 1));
  CHECK_FALSE(decide("on-failure", 0));
  CHECK(decide("on-failure:2", 1, 1));
  CHECK_FALSE(decide("on-failure:2", 1, 2));
}

TEST_CASE("a stop the user asked for is never restarted", "[restart]") {
  for (const char* policy : {"always", "unless-stopped", "on-failure"})
    CHECK_FALSE(should_restart(parse_restart_policy(policy), ExitFacts{137, true, 0, 1s}));
}

TEST_CASE("the restart delay doubles from 100 ms and resets after 10 s of running", "[restart]") {
  RestartBackoff b;
  CHECK(b.next(50ms) == 100ms);
  CHECK(b.next(50ms) == 200ms);
  CHECK(b.next(50ms) == 400ms);
  CHECK(b.next(9s) == 800ms);
  CHECK(b.next(10s) == 100ms);
  CHECK(b.next(1ms) == 200ms);
}
