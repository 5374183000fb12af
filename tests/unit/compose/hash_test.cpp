#include <catch2/catch.hpp>

#include "compose/codec.hpp"
#include "compose/hash.hpp"
#include "compose/parse.hpp"

using namespace stack::compose;

namespace {

std::string hash_of(const std::string& service_yaml) {
  Node root = parse_yaml("services:\n  web:\n" + service_yaml, "compose.yaml");
  return service_config_hash(decode_project(root, nullptr).services.at("web"));
}

}  // namespace

TEST_CASE("config hash is a stable SHA-256 of the service", "[hash]") {
  const std::string h = hash_of("    image: nginx\n    ports: ['80:80']\n");
  CHECK(h.size() == 64);
  CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(hash_of("    image: nginx\n    ports: ['80:80']\n") == h);
  // Containers carry it in a label: a new value would recreate every container.
  CHECK(h == "cf3806e0bd403712f98f2f69391b027a1dd30c38df75a4be3127aef5095560c0");
}

TEST_CASE("config hash does not depend on syntax or key order", "[hash]") {
  CHECK(hash_of("    image: nginx\n    environment: [A=1, B=2]\n") ==
        hash_of("    environment:\n      B: '2'\n      A: 1\n    image: nginx\n"));
  CHECK(hash_of("    image: nginx\n    ports: ['8080:80']\n") ==
        hash_of("    image: nginx\n    ports:\n      - target: 80\n        published: '8080'\n"));
}

TEST_CASE("config hash changes when what the container is changes", "[hash]") {
  const std::string base = hash_of("    image: nginx\n");
  CHECK(hash_of("    image: nginx:1.25\n") != base);
  CHECK(hash_of("    image: nginx\n    environment: {A: 1}\n") != base);
  CHECK(hash_of("    image: nginx\n    command: [nginx-debug]\n") != base);
  CHECK(hash_of("    image: nginx\n    mem_limit: 1g\n") != base);
}

TEST_CASE("config hash ignores scale, replicas, depends_on, profiles, build and pull_policy", "[hash]") {
  const std::string base = hash_of("    image: nginx\n");
  CHECK(hash_of("    image: nginx\n    scale: 3\n") == base);
  CHECK(hash_of("    image: nginx\n    deploy: {replicas: 3}\n") == base);
  CHECK(hash_of("    image: nginx\n    depends_on: [db]\n") == base);
  CHECK(hash_of("    image: nginx\n    profiles: [debug]\n") == base);
  CHECK(hash_of("    image: nginx\n    build: ./app\n") == base);
  CHECK(hash_of("    image: nginx\n    pull_policy: always\n") == base);
  CHECK(hash_of("    image: nginx\n    deploy: {replicas: 3, resources: {limits: {memory: 1g}}}\n") != base);
}
