#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "cli/list_filter.hpp"

using stack::cli::ListFilter;

TEST_CASE("list filters: values of one key are alternatives, keys and labels must all hold", "[cli]") {
  const ListFilter f({"name=web", "name=db", "label=tier", "label=env=prod"}, {"name", "label"});
  auto name_is = [&](const std::string& n) { return f.any("name", [&](const std::string& x) { return n == x; }); };
  CHECK(name_is("web"));
  CHECK(name_is("db"));
  CHECK_FALSE(name_is("cache"));
  CHECK(f.any("driver", [](const std::string&) { return false; }));  // not given: no constraint
  CHECK(f.labels_match({{"tier", "front"}, {"env", "prod"}}));
  CHECK_FALSE(f.labels_match({{"tier", "front"}, {"env", "dev"}}));
  CHECK_FALSE(f.labels_match({{"env", "prod"}}));
}

TEST_CASE("list filters refuse a filter without = and an unknown key, as docker says it", "[cli]") {
  REQUIRE_THROWS_WITH(ListFilter({"dangling"}, {"dangling"}), "bad format of filter (expected name=value): dangling");
  REQUIRE_THROWS_WITH(ListFilter({"colour=red"}, {"name"}), "invalid filter 'colour'");
}
