#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"
#include "engine/image/registry_config.hpp"
#include "unit/image/scratch.hpp"

using namespace stack::engine::image;
using stack::testing::EnvOverride;
using stack::testing::TempDir;

namespace {

// Every variable the lookups read, pointed into `dir` (or unset) for one test.
void isolate(EnvOverride& env, const TempDir& dir) {
  env.set("HOME", dir / "home")
      .set("XDG_CONFIG_HOME", std::nullopt)
      .set("STACK_CONFIG_DIR", std::nullopt)
      .set("DOCKER_CONFIG", std::nullopt);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("the credentials file is under STACK_CONFIG_DIR, then XDG_CONFIG_HOME, then HOME", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  CHECK(credentials_path() == dir / "home/.config/stack/config.json");
  env.set("XDG_CONFIG_HOME", dir / "xdg");
  CHECK(credentials_path() == dir / "xdg/stack/config.json");
  env.set("STACK_CONFIG_DIR", dir / "stack");
  CHECK(credentials_path() == dir / "stack/config.json");
}

TEST_CASE("stored credentials are found again, in a private file", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  store_credentials("localhost:5000", {"alice", "s3cret:with colon"});
  auto found = find_credentials("localhost:5000");
  REQUIRE(found);
  CHECK(found->username == "alice");
  CHECK(found->password == "s3cret:with colon");
  CHECK(mode_of(credentials_path()) == 0600);
  CHECK(mode_of(dir / "home/.config/stack") == 0700);
  CHECK_FALSE(find_credentials("localhost:5001"));
}

TEST_CASE("docker.io credentials are stored under docker's index key", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  store_credentials("docker.io", {"bob", "pw"});
  auto doc = nlohmann::json::parse(stack::base::read_file(credentials_path()));
  CHECK(doc["auths"]["https://index.docker.io/v1/"]["auth"] == "Ym9iOnB3");  // base64("bob:pw")
  CHECK(find_credentials("docker.io")->username == "bob");
}

TEST_CASE("storing keeps the other entries and keys of the file", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  env.set("STACK_CONFIG_DIR", dir / "cfg");
  dir.write("cfg/config.json", R"({"auths": {"a.example": {"auth": "dTpw"}}, "other": true})");
  store_credentials("b.example", {"x", "y"});
  store_credentials("a.example", {"u2", "p2"});
  auto doc = nlohmann::json::parse(stack::base::read_file(credentials_path()));
  CHECK(doc["other"] == true);
  CHECK(doc["auths"].size() == 2);
  CHECK(find_credentials("a.example")->username == "u2");
  CHECK(find_credentials("b.example")->password == "y");
}

TEST_CASE("erasing removes only that registry and says whether it was there", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  store_credentials("a.example", {"u", "p"});
  store_credentials("b.example", {"v", "q"});
  CHECK(erase_credentials("a.example"));
  CHECK_FALSE(erase_credentials("a.example"));
  CHECK_FALSE(find_credentials("a.example"));
  CHECK(find_credentials("b.example")->username == "v");
  CHECK(mode_of(credentials_path()) == 0600);
}

TEST_CASE("erasing without a credentials file finds nothing to erase", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  CHECK_FALSE(erase_credentials("a.example"));
}

TEST_CASE("docker's config.json is read when stack has no entry", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  dir.write("home/.docker/config.json", R"({"auths": {
      "https://index.docker.io/v1/": {"auth": "aHViOmh1YnB3"},
      "reg.example:5000": {"username": "plain", "password": "text"}}})");
  CHECK(find_credentials("docker.io")->username == "hub");
  CHECK(find_credentials("docker.io")->password == "hubpw");
  CHECK(find_credentials("reg.example:5000")->username == "plain");
  CHECK(find_credentials("reg.example:5000")->password == "text");
  CHECK_FALSE(find_credentials("other.example"));
}

TEST_CASE("DOCKER_CONFIG points at docker's config directory", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  dir.write("home/.docker/config.json", R"({"auths": {"r.example": {"auth": "aG9tZTpw"}}})");
  dir.write("dockercfg/config.json", R"({"auths": {"https://r.example/v1/": {"auth": "ZW52OnA="}}})");
  env.set("DOCKER_CONFIG", dir / "dockercfg");
  CHECK(find_credentials("r.example")->username == "env");
}

TEST_CASE("stack's own credentials win over docker's", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  dir.write("home/.docker/config.json", R"({"auths": {"r.example": {"auth": "ZG9ja2VyOnA="}}})");
  store_credentials("r.example", {"stack", "p"});
  CHECK(find_credentials("r.example")->username == "stack");
}

TEST_CASE("a registry kept by a docker credential helper is an error pointing to stack login", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  dir.write("home/.docker/config.json", R"({"credHelpers": {"gcr.io": "gcloud"},
      "credsStore": "desktop", "auths": {"https://index.docker.io/v1/": {}, "plain.example": {"auth": "dTpw"}}})");
  try {
    find_credentials("gcr.io");
    FAIL("no error");
  } catch (const stack::Error& e) {
    CHECK(std::string(e.what()).find("credential helper \"gcloud\"") != std::string::npos);
    CHECK(e.hint() == "run `stack login gcr.io`");
  }
  CHECK_THROWS_WITH(find_credentials("docker.io"), Catch::Contains("credential helper \"desktop\""));
  CHECK(find_credentials("plain.example")->username == "u");
  CHECK_FALSE(find_credentials("unlisted.example"));  // the store is asked only for hosts it lists
  store_credentials("gcr.io", {"mine", "p"});
  CHECK(find_credentials("gcr.io")->username == "mine");
}

TEST_CASE("an auth field that is not base64 of user:password is an error naming the file", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  const std::string file = dir.write("home/.docker/config.json", R"({"auths": {"r.example": {"auth": "bm9jb2xvbg=="}}})");
  CHECK_THROWS_WITH(find_credentials("r.example"), file + ": the \"auth\" of a registry is not base64 of user:password");
}

TEST_CASE("a credentials file that is not JSON is an error naming it", "[credentials]") {
  TempDir dir;
  EnvOverride env;
  isolate(env, dir);
  store_credentials("a.example", {"u", "p"});
  stack::base::write_file_atomic(credentials_path(), "{", 0600);
  CHECK_THROWS_WITH(find_credentials("a.example"), Catch::StartsWith(credentials_path() + ": not valid JSON"));
}
