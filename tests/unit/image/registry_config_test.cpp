#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "engine/image/registry_config.hpp"
#include "unit/image/scratch.hpp"

using namespace stack::engine::image;
using stack::testing::TempDir;

TEST_CASE("the state root's config.json gives mirrors and insecure registries", "[registry-config]") {
  TempDir root;
  root.write("config.json", R"({"registry-mirrors": ["https://mirror.example.com/", "http://127.0.0.1:5001"],
                                "insecure-registries": ["10.0.0.0/8", "reg.lan:5000"],
                                "log-level": "debug"})");
  RegistryConfig config = load_registry_config(root.path().string());
  CHECK(config.mirrors == std::vector<std::string>{"https://mirror.example.com", "http://127.0.0.1:5001"});
  CHECK(config.insecure_registries == std::vector<std::string>{"10.0.0.0/8", "reg.lan:5000"});
}

TEST_CASE("a config without the registry keys gives empty lists", "[registry-config]") {
  TempDir root;
  root.write("config.json", R"({"other": 1})");
  RegistryConfig config = load_registry_config(root.path().string());
  CHECK(config.mirrors.empty());
  CHECK(config.insecure_registries.empty());
}

TEST_CASE("a config file that does not exist reads as nothing", "[registry-config]") {
  TempDir root;
  CHECK_FALSE(read_registry_config(root / "config.json").has_value());
}

TEST_CASE("a config that is not JSON is an error naming the file", "[registry-config]") {
  TempDir root;
  const std::string file = root.write("config.json", "{not json");
  CHECK_THROWS_WITH(load_registry_config(root.path().string()), Catch::StartsWith(file + ": not valid JSON"));
}

TEST_CASE("a registry key of the wrong type is an error naming the file and the key", "[registry-config]") {
  TempDir root;
  const std::string file = root.write("config.json", R"({"registry-mirrors": "https://m"})");
  CHECK_THROWS_WITH(load_registry_config(root.path().string()),
                    file + ": \"registry-mirrors\" must be a list of strings");
  root.write("config.json", R"({"insecure-registries": [5]})");
  CHECK_THROWS_WITH(load_registry_config(root.path().string()),
                    file + ": \"insecure-registries\" must be a list of strings");
}

TEST_CASE("a mirror without an http or https scheme is an error", "[registry-config]") {
  TempDir root;
  const std::string file = root.write("config.json", R"({"registry-mirrors": ["mirror.example.com"]})");
  CHECK_THROWS_WITH(load_registry_config(root.path().string()),
                    file + ": registry mirror \"mirror.example.com\" is not an http:// or https:// URL");
}

TEST_CASE("loopback registries are insecure without being listed", "[registry-config]") {
  RegistryConfig none;
  CHECK(is_insecure_registry(none, "localhost:5000"));
  CHECK(is_insecure_registry(none, "localhost"));
  CHECK(is_insecure_registry(none, "127.0.0.1:5000"));
  CHECK(is_insecure_registry(none, "127.1.2.3"));
  CHECK(is_insecure_registry(none, "[::1]:5000"));
  CHECK_FALSE(is_insecure_registry(none, "128.0.0.1:5000"));
  CHECK_FALSE(is_insecure_registry(none, "localhost.example.com"));
}

TEST_CASE("a registry not listed is secure", "[registry-config]") {
  RegistryConfig config{{}, {"reg.lan:5000", "10.0.0.0/8"}};
  CHECK_FALSE(is_insecure_registry(config, "reg.example.com"));
  CHECK_FALSE(is_insecure_registry(config, "registry-1.docker.io"));
  CHECK_FALSE(is_insecure_registry(config, "11.0.0.1:5000"));
}

TEST_CASE("a listed host:port is insecure on that port only", "[registry-config]") {
  RegistryConfig config{{}, {"reg.lan:5000"}};
  CHECK(is_insecure_registry(config, "reg.lan:5000"));
  CHECK(is_insecure_registry(config, "REG.lan:5000"));
  CHECK_FALSE(is_insecure_registry(config, "reg.lan:5001"));
  CHECK_FALSE(is_insecure_registry(config, "reg.lan"));
}

TEST_CASE("a listed host without a port is insecure on every port", "[registry-config]") {
  RegistryConfig config{{}, {"reg.lan", "http://other.lan/"}};
  CHECK(is_insecure_registry(config, "reg.lan"));
  CHECK(is_insecure_registry(config, "reg.lan:5000"));
  CHECK(is_insecure_registry(config, "other.lan:443"));
  CHECK_FALSE(is_insecure_registry(config, "reg.lan.example.com"));
}

TEST_CASE("a listed CIDR makes the IP addresses inside it insecure", "[registry-config]") {
  RegistryConfig config{{}, {"10.0.0.0/8", "192.168.1.0/24", "fd00::/8"}};
  CHECK(is_insecure_registry(config, "10.1.2.3:5000"));
  CHECK(is_insecure_registry(config, "192.168.1.200"));
  CHECK(is_insecure_registry(config, "[fd12::1]:5000"));
  CHECK_FALSE(is_insecure_registry(config, "192.168.2.1:5000"));
  CHECK_FALSE(is_insecure_registry(config, "11.1.2.3"));
  CHECK_FALSE(is_insecure_registry(config, "[fe80::1]:5000"));
  CHECK_FALSE(is_insecure_registry(config, "ten.lan:5000"));  // names are not resolved
}

TEST_CASE("docker.io is reached at registry-1.docker.io, other domains as they are", "[registry-config]") {
  CHECK(registry_host("docker.io") == "registry-1.docker.io");
  CHECK(registry_host("localhost:5000") == "localhost:5000");
  CHECK(registry_host("ghcr.io") == "ghcr.io");
}

TEST_CASE("the base URL is https unless the registry is insecure", "[registry-config]") {
  RegistryConfig config{{"http://127.0.0.1:5001"}, {"reg.lan:5000", "10.0.0.0/8"}};
  CHECK(registry_base_url("docker.io", config) == "https://registry-1.docker.io");
  CHECK(registry_base_url("reg.example.com", config) == "https://reg.example.com");
  CHECK(registry_base_url("192.0.2.10:5000", config) == "https://192.0.2.10:5000");
  CHECK(registry_base_url("reg.lan:5000", config) == "http://reg.lan:5000");
  CHECK(registry_base_url("10.9.8.7:5000", config) == "http://10.9.8.7:5000");
  CHECK(registry_base_url("localhost:5000", config) == "http://localhost:5000");
}
