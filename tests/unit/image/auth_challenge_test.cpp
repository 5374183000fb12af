#include <catch2/catch.hpp>

#include "engine/image/auth_challenge.hpp"

using namespace stack::engine::image;

TEST_CASE("a Bearer challenge gives its realm, service and scope", "[registry-auth]") {
  auto challenges = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull")");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "bearer");
  CHECK(challenges[0].param("realm") == "https://auth.docker.io/token");
  CHECK(challenges[0].param("service") == "registry.docker.io");
  CHECK(challenges[0].param("scope") == "repository:library/nginx:pull");
  CHECK(challenges[0].params.size() == 3);
}

TEST_CASE("a Basic challenge gives its realm", "[registry-auth]") {
  auto challenges = parse_www_authenticate(R"(Basic realm="Registry Realm")");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "basic");
  CHECK(challenges[0].param("realm") == "Registry Realm");
}

TEST_CASE("the scheme and parameter names are case-insensitive", "[registry-auth]") {
  auto challenges = parse_www_authenticate(R"(BEARER Realm="r",SERVICE="s")");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "bearer");
  CHECK(challenges[0].param("realm") == "r");
  CHECK(challenges[0].param("service") == "s");
}

TEST_CASE("commas inside quoted values stay in the value", "[registry-auth]") {
  auto challenges = parse_www_authenticate(R"(Bearer realm="https://h/token",scope="repository:a/b:pull,push")");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].param("scope") == "repository:a/b:pull,push");
  CHECK(challenges[0].param("realm") == "https://h/token");
}

TEST_CASE("escaped quotes inside quoted values are unescaped", "[registry-auth]") {
  auto challenges = parse_www_authenticate(R"(Basic realm="say \"hi\"")");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].param("realm") == R"(say "hi")");
}

TEST_CASE("unquoted token values and spaces around the separators are accepted", "[registry-auth]") {
  auto challenges = parse_www_authenticate("Bearer realm = https://h/t , service=svc ,, scope=x");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].param("realm") == "https://h/t");
  CHECK(challenges[0].param("service") == "svc");
  CHECK(challenges[0].param("scope") == "x");
}

TEST_CASE("several challenges in one header are returned in order", "[registry-auth]") {
  auto challenges = parse_www_authenticate(R"(Basic realm="a, b", Bearer realm="https://h/token",service="s")");
  REQUIRE(challenges.size() == 2);
  CHECK(challenges[0].scheme == "basic");
  CHECK(challenges[0].param("realm") == "a, b");
  CHECK(challenges[1].scheme == "bearer");
  CHECK(challenges[1].param("realm") == "https://h/token");
  CHECK(challenges[1].param("service") == "s");
}

TEST_CASE("a challenge without parameters has only its scheme", "[registry-auth]") {
  auto challenges = parse_www_authenticate("Negotiate");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "negotiate");
  CHECK(challenges[0].params.empty());
}

TEST_CASE("an empty or malformed header gives no challenge", "[registry-auth]") {
  CHECK(parse_www_authenticate("").empty());
  CHECK(parse_www_authenticate("  ,  ").empty());
  CHECK(parse_www_authenticate(R"(="x")").empty());
}

TEST_CASE("an unterminated quoted value runs to the end of the header", "[registry-auth]") {
  auto challenges = parse_www_authenticate(R"(Basic realm="open)");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].param("realm") == "open");
}
