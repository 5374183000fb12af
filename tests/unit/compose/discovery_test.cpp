#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "compose/discovery.hpp"

using stack::compose::Environment;
using stack::compose::find_compose_files;
using stack::compose::normalize_project_name;
using stack::compose::resolve_project_name;
using stack::compose::validate_project_name;
using stack::compose::Warnings;
using Files = std::vector<std::string>;

namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("stack-discovery-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Creates `rel` (and its parent directories) with a tiny compose document; returns its path.
  std::string touch(const std::string& rel) const {
    fs::path file = path_ / rel;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "services: {}\n";
    return file.string();
  }
  std::string dir(const std::string& rel = "") const {
    fs::path d = rel.empty() ? path_ : path_ / rel;
    fs::create_directories(d);
    return d.string();
  }

 private:
  fs::path path_;
};

const std::string kInvalidTail =
    "must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a "
    "letter or number";

}  // namespace

TEST_CASE("discovery resolves explicit files against the working dir, in order", "[discovery]") {
  TempDir tmp;
  std::string a = tmp.touch("a.yaml");
  std::string b = tmp.touch("sub/b.yaml");
  tmp.touch("compose.yaml");  // ignored: -f wins over the search
  Warnings warnings;
  CHECK(find_compose_files({"sub/b.yaml", "a.yaml"}, {}, tmp.dir(), &warnings) == Files{b, a});
  CHECK(find_compose_files({"./sub/../a.yaml"}, {}, tmp.dir(), &warnings) == Files{a});
  CHECK(find_compose_files({a}, {}, "/", &warnings) == Files{a});  // absolute stays
  CHECK(warnings.empty());
}

TEST_CASE("discovery keeps '-' (stdin) as is among explicit files", "[discovery]") {
  TempDir tmp;
  std::string a = tmp.touch("a.yaml");
  CHECK(find_compose_files({"-"}, {}, tmp.dir(), nullptr) == Files{"-"});
  CHECK(find_compose_files({"a.yaml", "-"}, {}, tmp.dir(), nullptr) == Files{a, "-"});
}

TEST_CASE("discovery fails on an explicit file that does not exist, naming its absolute path", "[discovery]") {
  TempDir tmp;
  REQUIRE_THROWS_WITH(find_compose_files({"nope.yaml"}, {}, tmp.dir(), nullptr),
                      "open " + tmp.dir() + "/nope.yaml: no such file or directory");
}

TEST_CASE("discovery explicit files beat COMPOSE_FILE", "[discovery]") {
  TempDir tmp;
  std::string a = tmp.touch("a.yaml");
  tmp.touch("b.yaml");
  CHECK(find_compose_files({"a.yaml"}, {{"COMPOSE_FILE", "b.yaml"}}, tmp.dir(), nullptr) == Files{a});
}

TEST_CASE("discovery splits COMPOSE_FILE on ':' by default", "[discovery]") {
  TempDir tmp;
  std::string a = tmp.touch("a.yaml");
  std::string b = tmp.touch("dir/b.yaml");
  tmp.touch("compose.yaml");
  CHECK(find_compose_files({}, {{"COMPOSE_FILE", "a.yaml:dir/b.yaml"}}, tmp.dir(), nullptr) == Files{a, b});
  CHECK(find_compose_files({}, {{"COMPOSE_FILE", "dir/b.yaml"}}, tmp.dir(), nullptr) == Files{b});
}

TEST_CASE("discovery splits COMPOSE_FILE on COMPOSE_PATH_SEPARATOR", "[discovery]") {
  TempDir tmp;
  std::string a = tmp.touch("a.yaml");
  std::string b = tmp.touch("b.yaml");
  Environment env = {{"COMPOSE_FILE", "a.yaml;b.yaml;"}, {"COMPOSE_PATH_SEPARATOR", ";"}};
  CHECK(find_compose_files({}, env, tmp.dir(), nullptr) == Files{a, b});
}

TEST_CASE("discovery fails on a COMPOSE_FILE entry that does not exist", "[discovery]") {
  TempDir tmp;
  tmp.touch("a.yaml");
  REQUIRE_THROWS_WITH(find_compose_files({}, {{"COMPOSE_FILE", "a.yaml:missing.yaml"}}, tmp.dir(), nullptr),
                      "open " + tmp.dir() + "/missing.yaml: no such file or directory");
}

TEST_CASE("discovery searches when COMPOSE_FILE is empty", "[discovery]") {
  TempDir tmp;
  std::string main = tmp.touch("compose.yaml");
  CHECK(find_compose_files({}, {{"COMPOSE_FILE", ""}}, tmp.dir(), nullptr) == Files{main});
}

TEST_CASE("discovery finds each supported file name in the working dir", "[discovery]") {
  for (std::string name : {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}) {
    TempDir tmp;
    std::string file = tmp.touch(name);
    Warnings warnings;
    CHECK(find_compose_files({}, {}, tmp.dir(), &warnings) == Files{file});
    CHECK(warnings.empty());
  }
}

TEST_CASE("discovery searches parent directories upward", "[discovery]") {
  TempDir tmp;
  std::string main = tmp.touch("compose.yml");
  std::string deep = tmp.dir("a/b/c");
  CHECK(find_compose_files({}, {}, deep, nullptr) == Files{main});
}

TEST_CASE("discovery stops at the nearest directory that has a compose file", "[discovery]") {
  TempDir tmp;
  tmp.touch("compose.yaml");
  tmp.touch("compose.override.yml");
  std::string inner = tmp.touch("a/docker-compose.yml");
  CHECK(find_compose_files({}, {}, tmp.dir("a/b"), nullptr) == Files{inner});
}

TEST_CASE("discovery prefers compose.yaml and warns when several names exist", "[discovery]") {
  TempDir tmp;
  std::string yaml = tmp.touch("compose.yaml");
  std::string yml = tmp.touch("compose.yml");
  std::string docker = tmp.touch("docker-compose.yml");
  Warnings warnings;
  CHECK(find_compose_files({}, {}, tmp.dir(), &warnings) == Files{yaml});
  CHECK(warnings == Warnings{"Found multiple config files with supported names: " + yaml + ", " + yml + ", " + docker,
                             "Using " + yaml});
}

TEST_CASE("discovery prefers docker-compose.yml over docker-compose.yaml", "[discovery]") {
  TempDir tmp;
  std::string yml = tmp.touch("docker-compose.yml");
  std::string yaml = tmp.touch("docker-compose.yaml");
  Warnings warnings;
  CHECK(find_compose_files({}, {}, tmp.dir(), &warnings) == Files{yml});
  CHECK(warnings.back() == "Using " + yml);
}

TEST_CASE("discovery adds the compose.override file of compose.yaml", "[discovery]") {
  TempDir tmp;
  std::string main = tmp.touch("compose.yaml");
  std::string over = tmp.touch("compose.override.yaml");
  CHECK(find_compose_files({}, {}, tmp.dir(), nullptr) == Files{main, over});
}

TEST_CASE("discovery adds the docker-compose.override file of docker-compose.yml", "[discovery]") {
  for (std::string name : {"docker-compose.override.yml", "docker-compose.override.yaml"}) {
    TempDir tmp;
    std::string main = tmp.touch("docker-compose.yml");
    std::string over = tmp.touch(name);
    CHECK(find_compose_files({}, {}, tmp.dir(), nullptr) == Files{main, over});
  }
}

TEST_CASE("discovery takes an override of the other name family, as compose does", "[discovery]") {
  TempDir tmp;
  std::string main = tmp.touch("docker-compose.yml");
  std::string over = tmp.touch("compose.override.yaml");
  CHECK(find_compose_files({}, {}, tmp.dir(), nullptr) == Files{main, over});
}

TEST_CASE("discovery picks the first override name and warns when several exist", "[discovery]") {
  TempDir tmp;
  std::string main = tmp.touch("compose.yaml");
  std::string yml = tmp.touch("compose.override.yml");
  std::string yaml = tmp.touch("compose.override.yaml");
  Warnings warnings;
  CHECK(find_compose_files({}, {}, tmp.dir(), &warnings) == Files{main, yml});
  CHECK(warnings == Warnings{"Found multiple override files with supported names: " + yml + ", " + yaml, "Using " + yml});
}

TEST_CASE("discovery takes the override from the directory where the main file was found", "[discovery]") {
  TempDir tmp;
  std::string main = tmp.touch("compose.yaml");
  std::string over = tmp.touch("compose.override.yml");
  tmp.touch("sub/compose.override.yml");  // no main file beside it: not used
  CHECK(find_compose_files({}, {}, tmp.dir("sub"), nullptr) == Files{main, over});
}

TEST_CASE("discovery does not add an override for explicit files", "[discovery]") {
  TempDir tmp;
  std::string main = tmp.touch("compose.yaml");
  tmp.touch("compose.override.yaml");
  CHECK(find_compose_files({"compose.yaml"}, {}, tmp.dir(), nullptr) == Files{main});
}

TEST_CASE("discovery ignores a lone override file", "[discovery]") {
  TempDir tmp;
  tmp.touch("compose.override.yaml");
  // The search continues above the temp dir; the system temp dir's parents have no compose file.
  REQUIRE_THROWS_WITH(find_compose_files({}, {}, tmp.dir(), nullptr), "no configuration file provided: not found");
}

TEST_CASE("discovery without any compose file fails with compose's message", "[discovery]") {
  TempDir tmp;
  REQUIRE_THROWS_WITH(find_compose_files({}, {}, tmp.dir("x/y"), nullptr), "no configuration file provided: not found");
}

TEST_CASE("normalize_project_name lowercases and drops other characters", "[discovery]") {
  CHECK(normalize_project_name("MyApp") == "myapp");
  CHECK(normalize_project_name("my app.v2!") == "myappv2");
  CHECK(normalize_project_name("a_b-c") == "a_b-c");
  CHECK(normalize_project_name("Ünïcode") == "ncode");
}

TEST_CASE("normalize_project_name drops leading '_' and '-'", "[discovery]") {
  CHECK(normalize_project_name("__-x_") == "x_");
  CHECK(normalize_project_name("-.-_a-") == "a-");
  CHECK(normalize_project_name("_-_") == "");
  CHECK(normalize_project_name("") == "");
}

TEST_CASE("validate_project_name accepts compose's form", "[discovery]") {
  CHECK_NOTHROW(validate_project_name("web", "-p"));
  CHECK_NOTHROW(validate_project_name("0app_x-1", "-p"));
}

TEST_CASE("validate_project_name rejects other names with compose's text and the source", "[discovery]") {
  REQUIRE_THROWS_WITH(validate_project_name("MyApp", "-p"), "-p: invalid project name \"MyApp\": " + kInvalidTail);
  REQUIRE_THROWS_WITH(validate_project_name("_app", "COMPOSE_PROJECT_NAME"),
                      "COMPOSE_PROJECT_NAME: invalid project name \"_app\": " + kInvalidTail);
  REQUIRE_THROWS_WITH(validate_project_name("a.b", "-p"), Catch::Contains("invalid project name \"a.b\""));
  REQUIRE_THROWS_WITH(validate_project_name("-a", "-p"), Catch::Contains("invalid project name \"-a\""));
  REQUIRE_THROWS_WITH(validate_project_name("", "-p"), Catch::Contains("invalid project name \"\""));
  REQUIRE_THROWS_WITH(validate_project_name("a b", ""), "invalid project name \"a b\": " + kInvalidTail);
}

TEST_CASE("resolve_project_name: -p wins over everything", "[discovery]") {
  Environment env = {{"COMPOSE_PROJECT_NAME", "fromenv"}};
  CHECK(resolve_project_name("flag", env, "yaml", "/tmp/dir") == "flag");
}

TEST_CASE("resolve_project_name: -p is validated, not normalized", "[discovery]") {
  REQUIRE_THROWS_WITH(resolve_project_name("MyApp", {}, "yaml", "/tmp/dir"),
                      "-p: invalid project name \"MyApp\": " + kInvalidTail);
}

TEST_CASE("resolve_project_name: COMPOSE_PROJECT_NAME comes next and is validated", "[discovery]") {
  CHECK(resolve_project_name("", {{"COMPOSE_PROJECT_NAME", "fromenv"}}, "yaml", "/tmp/dir") == "fromenv");
  REQUIRE_THROWS_WITH(resolve_project_name("", {{"COMPOSE_PROJECT_NAME", "Bad Name"}}, "yaml", "/tmp/dir"),
                      "COMPOSE_PROJECT_NAME: invalid project name \"Bad Name\": " + kInvalidTail);
}

TEST_CASE("resolve_project_name: an empty COMPOSE_PROJECT_NAME counts as unset", "[discovery]") {
  CHECK(resolve_project_name("", {{"COMPOSE_PROJECT_NAME", ""}}, "yaml", "/tmp/dir") == "yaml");
}

TEST_CASE("resolve_project_name: the yaml name comes next, normalized", "[discovery]") {
  CHECK(resolve_project_name("", {}, "My Project", "/tmp/dir") == "myproject");
  CHECK(resolve_project_name("", {}, "_x", "/tmp/dir") == "x");
}

TEST_CASE("resolve_project_name: a yaml name that normalizes to nothing falls back to the directory",
          "[discovery]") {
  CHECK(resolve_project_name("", {}, "!!!", "/srv/My.App") == "myapp");
}

TEST_CASE("resolve_project_name: the directory basename comes last, normalized", "[discovery]") {
  CHECK(resolve_project_name("", {}, "", "/srv/Hello_World") == "hello_world");
  CHECK(resolve_project_name("", {}, "", "/srv/app/") == "app");
  CHECK(resolve_project_name("", {}, "", "/srv/app/sub/..") == "app");
}

TEST_CASE("resolve_project_name: a relative project dir is named after the directory it resolves to",
          "[discovery]") {
  TempDir tmp;
  fs::path saved = fs::current_path();
  fs::current_path(tmp.dir("Rel.Dir"));
  std::string name = resolve_project_name("", {}, "", ".");
  fs::current_path(saved);
  CHECK(name == "reldir");
}

TEST_CASE("resolve_project_name: an empty result tells to use -p", "[discovery]") {
  REQUIRE_THROWS_WITH(resolve_project_name("", {}, "", "/srv/___"),
                      "project name must not be empty: use -p <name> to set one");
  REQUIRE_THROWS_WITH(resolve_project_name("", {}, "", "/"), "project name must not be empty: use -p <name> to set one");
}
