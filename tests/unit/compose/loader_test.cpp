#include <catch2/catch.hpp>

#include <filesystem>

#include "compose/loader.hpp"

using namespace stack::compose;

namespace {

const std::string kFixtures = std::string(STACK_FIXTURES_DIR) + "/compose";

struct Load {
  LoadOptions opts;
  explicit Load(const std::string& dir) {
    opts.working_dir = kFixtures + "/" + dir;
    opts.home = "/home/tester";
  }
  Load& file(const std::string& f) {
    opts.files.push_back(f);
    return *this;
  }
  Load& env(const std::string& k, const std::string& v) {
    opts.environ[k] = v;
    return *this;
  }
  Load& profile(const std::string& p) {
    opts.profiles.push_back(p);
    return *this;
  }
  Load& service(const std::string& s) {
    opts.services.push_back(s);
    return *this;
  }
  LoadResult run() const { return load_project(opts); }
  Project project() const { return run().project; }
};

}  // namespace

TEST_CASE("loader names the project after its directory and adds the default network", "[loader]") {
  Project p = Load("loader/basic").project();
  CHECK(p.name == "basic");
  CHECK(p.working_dir == kFixtures + "/loader/basic");
  CHECK(p.config_files == std::vector<std::string>{kFixtures + "/loader/basic/compose.yaml"});
  CHECK(p.services.at("web").networks.count("default"));
  CHECK(p.networks.at("default").name == "basic_default");
  CHECK(p.volumes.at("data").name == "basic_data");
  const auto& bind = p.services.at("web").volumes.at(1);
  CHECK(bind.type == "bind");
  CHECK(bind.source == kFixtures + "/loader/basic/html");
  CHECK(bind.read_only);
}

TEST_CASE("without -f, the files are looked for from --project-directory", "[loader]") {
  Load l("loader");
  l.opts.project_directory = "basic";
  const Project p = l.project();
  CHECK(p.config_files == std::vector<std::string>{kFixtures + "/loader/basic/compose.yaml"});
  CHECK(p.working_dir == kFixtures + "/loader/basic");
}

TEST_CASE("loader picks up compose.override.yaml and merges it by compose's rules", "[loader]") {
  Project p = Load("loader/override").project();
  const Service& web = p.services.at("web");
  CHECK(*web.command == std::vector<std::string>{"nginx-debug"});
  REQUIRE(web.ports.size() == 2);  // 8080:80 given twice (short and long) is one port
  CHECK(web.ports[0].published == "8080");
  CHECK(web.ports[1].published == "9090");
  CHECK(web.environment.at("A") == "base");
  CHECK(web.environment.at("B") == "override");
  CHECK(web.environment.at("C") == "new");
}

TEST_CASE("loader reads .env for interpolation and the project name, the shell winning", "[loader]") {
  Project p = Load("loader/dotenv").env("PORT", "9999").env("BARE", "from-shell").project();
  CHECK(p.name == "fromdotenv");
  const Service& web = p.services.at("web");
  CHECK(web.image == "nginx:1.25");
  CHECK(web.ports.at(0).published == "9999");
  CHECK(web.environment.at("HOME_DIR") == "unset");
  CHECK(web.environment.at("BARE") == "from-shell");  // a bare key takes the environment's value
}

TEST_CASE("loader uses -p over COMPOSE_PROJECT_NAME and rejects an invalid one", "[loader]") {
  CHECK(Load("loader/dotenv").env("PORT", "1").project().name == "fromdotenv");
  Load with_flag("loader/dotenv");
  with_flag.opts.project_name = "chosen";
  CHECK(with_flag.project().name == "chosen");
  Load bad("loader/dotenv");
  bad.opts.project_name = "Bad Name";
  REQUIRE_THROWS_WITH(bad.run(), Catch::Contains("invalid project name \"Bad Name\""));
}

TEST_CASE("loader normalizes a top-level name and applies !reset and !override", "[loader]") {
  Project p = Load("loader/named").file("compose.yaml").file("reset.yaml").project();
  CHECK(p.name == "my_app");
  const Service& web = p.services.at("web");
  CHECK(web.ports.empty());
  CHECK(web.labels == StringMap{{"b", "2"}});
}

TEST_CASE("loader folds env_file into environment with environment winning", "[loader]") {
  Project p = Load("loader/envfile").project();
  const Service& app = p.services.at("app");
  CHECK(app.env_file.empty());
  CHECK(app.environment.at("A") == "from-file");
  CHECK(app.environment.at("B") == "from-environment");
}

TEST_CASE("services sharing an env file each get its values, and their own environment stays their own", "[loader]") {
  Project p = Load("loader/sharedenv").env("NAME", "n").project();
  const Service& web = p.services.at("web");
  const Service& worker = p.services.at("worker");
  CHECK(web.environment == OptionalStringMap{{"A", "web-own"}, {"B", "n-file"}});
  CHECK(web.labels == StringMap{{"A", "from-file"}, {"B", "n-file"}});
  CHECK(worker.environment == OptionalStringMap{{"A", "from-file"}, {"B", "n-file"}});
}

TEST_CASE("loader resolves extends from another file relative to that file", "[loader]") {
  Project p = Load("loader/extends").project();
  const Service& web = p.services.at("web");
  CHECK(web.image == "busybox");
  CHECK(web.labels.at("tier") == "base");
  CHECK(web.labels.at("role") == "web");
  CHECK(web.environment.at("FROM_BASE") == "1");
  CHECK(web.volumes.at(0).source == kFixtures + "/loader/extends/common/data");
}

TEST_CASE("loader includes another project with its own directory and .env", "[loader]") {
  Project p = Load("loader/include").project();
  CHECK(p.name == "include");
  REQUIRE(p.services.count("api"));
  CHECK(p.services.at("api").image == "api:2");
  CHECK(p.services.at("api").volumes.at(0).source == kFixtures + "/loader/include/sub/src");
  CHECK(p.services.at("web").depends_on.count("api"));
}

TEST_CASE("loader refuses an include that redefines a service differently", "[loader]") {
  REQUIRE_THROWS_WITH(Load("loader/include_conflict").run(),
                      Catch::Contains("include_conflict/compose.yaml:4:3: services.api: conflicts with"));
}

TEST_CASE("loader detects include cycles", "[loader]") {
  REQUIRE_THROWS_WITH(Load("loader/include_cycle").run(), Catch::Contains("include cycle detected"));
}

TEST_CASE("loader leaves out services whose profiles are not active", "[loader][profiles]") {
  Project p = Load("loader/profiles").project();
  CHECK(p.services.count("web"));
  CHECK_FALSE(p.services.count("debug"));
  CHECK(p.disabled_services.count("debug"));
}

TEST_CASE("loader enables profiles from --profile, COMPOSE_PROFILES and *", "[loader][profiles]") {
  CHECK(Load("loader/profiles").profile("tools").project().services.count("tools"));
  CHECK(Load("loader/profiles").env("COMPOSE_PROFILES", "tools, debug").project().services.size() == 3);
  CHECK(Load("loader/profiles").profile("*").project().services.size() == 3);
}

TEST_CASE("loader enables a service named on the command line and what it needs", "[loader][profiles]") {
  Project p = Load("loader/profiles").service("debug").project();
  CHECK(p.services.count("debug"));
  CHECK(p.services.count("tools"));
  REQUIRE_THROWS_WITH(Load("loader/profiles").service("nope").run(), Catch::Contains("no such service: nope"));
}

TEST_CASE("loader refuses a service that depends on one disabled by profiles", "[loader][profiles]") {
  REQUIRE_THROWS_WITH(Load("loader/profiles_broken").run(),
                      Catch::Contains("service \"web\" depends on service \"debug\", which is disabled by its profiles"));
  try {
    Load("loader/profiles").profile("debug").run();
    FAIL("no error");
  } catch (const stack::Error& e) {
    CHECK(std::string(e.what()) == "service \"debug\" depends on service \"tools\", which is disabled by its profiles");
    CHECK(e.hint() == "enable it with --profile tools");
  }
}

TEST_CASE("loader applies YAML merge keys the way compose files use them", "[loader]") {
  Project p = Load("loader/anchors").project();
  CHECK(p.services.at("web").restart == "always");
  CHECK(p.services.at("web").environment.at("TZ") == "UTC");
  CHECK(p.services.at("worker").restart == "on-failure:3");
}

TEST_CASE("loader reports a missing compose file", "[loader]") {
  REQUIRE_THROWS_WITH(Load("loader/basic").file("nope.yaml").run(),
                      Catch::Contains("open " + kFixtures + "/loader/basic/nope.yaml: no such file or directory"));
}

TEST_CASE("loader reads a compose file from standard input", "[loader]") {
  Load l("loader/basic");
  l.file("-");
  l.opts.read_stdin = [] { return std::string("services:\n  s:\n    image: busybox\n"); };
  Project p = l.project();
  CHECK(p.name == "basic");
  CHECK(p.services.count("s"));
}

TEST_CASE("loader without interpolation keeps ${} text", "[loader]") {
  Load l("loader/basic");
  l.file("-");
  l.opts.read_stdin = [] { return std::string("services:\n  web:\n    image: nginx:${TAG}\n"); };
  l.opts.interpolate = false;
  Warnings none;
  LoadResult r = l.run();
  CHECK(r.project.services.at("web").image == "nginx:${TAG}");
  CHECK(r.warnings.empty());
}

namespace {

struct ErrorCase {
  const char* file;
  const char* message;  // the whole message after the file name
};

// Loads each fixture under errors/ and checks that the error starts with its path + message.
template <size_t N>
void check_errors(const ErrorCase (&cases)[N]) {
  for (const auto& c : cases) {
    INFO(c.file);
    const std::string path = kFixtures + "/errors/" + c.file;
    try {
      Load("errors").file(path).run();
      FAIL("no error for " << c.file);
    } catch (const stack::Error& e) {
      CHECK_THAT(e.what(), Catch::StartsWith(path + c.message));
    }
  }
}

}  // namespace

TEST_CASE("loader errors name the file, line, column, key path and cause", "[loader][errors]") {
  const ErrorCase cases[] = {
      {"undefined_network.yaml", ":5:9: services.web.networks: service \"web\" refers to undefined network \"front\""},
      {"undefined_volume.yaml", ":5:9: services.db.volumes: service \"db\" refers to undefined volume \"data\""},
      {"undefined_secret.yaml", ":5:17: services.web.secrets: service \"web\" refers to undefined secret \"pw\""},
      {"undefined_config.yaml", ":4:15: services.web.configs: service \"web\" refers to undefined config \"site\""},
      {"undefined_dependency.yaml", ":5:7: services.web.depends_on: service \"web\" depends on undefined service \"db\""},
      {"container_name_replicas.yaml",
       ":4:5: services.web.container_name: container name \"web\" is unique and cannot be used with 2 replicas"},
      {"no_image.yaml", ":3:5: services.web: service \"web\" has neither an image nor a build context specified"},
      {"required_variable.yaml",
       ":3:12: services.web.image: required variable TAG is missing a value: set TAG to the nginx version"},
      {"unknown_key.yaml", ":4:5: services.web: unknown key \"port\""},
      {"invalid_restart.yaml", ":4:5: services.web.restart: invalid restart policy \"sometimes\""},
      {"network_mode_and_networks.yaml", ":5:5: services.web: network_mode and networks cannot be combined"},
      {"duplicate_target.yaml", ":6:9: services.web.volumes: duplicate mount target \"/data\""},
      {"not_a_mapping.yaml", ":1:1: top-level object must be a mapping, not a sequence"},
      {"services_list.yaml", ":2:3: services: must be a mapping, not a sequence"},
      {"volumes_from_unknown.yaml", ":4:20: services.web.volumes_from: service \"web\" mounts volumes from undefined service \"data\""},
      {"wrong_type.yaml", ":4:16: services.web.read_only: must be a boolean, not \"sometimes\""},
  };
  check_errors(cases);
}

TEST_CASE("loader errors for values point at the value", "[loader][errors]") {
  const ErrorCase cases[] = {
      {"invalid_port.yaml", ":6:9: services.web.ports[1]: invalid port \"80:80:80:80\""},
      {"invalid_duration.yaml",
       ":5:17: services.web.healthcheck.interval: unknown unit \" seconds\" in duration \"10 seconds\""},
      {"invalid_size.yaml", ":4:16: services.web.mem_limit: invalid size: 'lots'"},
      {"bad_yaml.yaml", ":4:4: invalid YAML: while parsing a block mapping, did not find expected key"},
      {"extends_cycle.yaml", ":4:5: services.a: extends cycle: a -> b -> a"},
  };
  check_errors(cases);
}

TEST_CASE("loader names a dependency cycle", "[loader][errors]") {
  REQUIRE_THROWS_WITH(Load("errors").file(kFixtures + "/errors/cycle.yaml").run(),
                      Catch::Contains("dependency cycle detected: php -> web -> php"));
}
