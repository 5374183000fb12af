#include <catch2/catch.hpp>

#include <map>

#include "compose/extends.hpp"
#include "compose/parse.hpp"
#include "unit/compose/tree_text.hpp"

using stack::compose::FileLoader;
using stack::compose::Node;
using stack::compose::parse_yaml;
using stack::compose::resolve_extends;
using stack::compose::testing::tree_text;

namespace {

// Other compose files by absolute path, as the loader would hand them over.
struct Files {
  std::map<std::string, Node> trees;

  void add(const std::string& path, std::string_view yaml) { trees[path] = parse_yaml(yaml, path); }

  FileLoader loader() {
    return [this](const std::string& path) -> const Node& {
      auto it = trees.find(path);
      if (it == trees.end()) throw stack::Error("open " + path + ": no such file or directory");
      return it->second;
    };
  }
};

Node extended(std::string_view yaml, Files files = {}) {
  Node root = parse_yaml(yaml, "/p/compose.yaml");
  resolve_extends(root, "/p/compose.yaml", files.loader());
  return root;
}

void check_tree(const Node& actual, std::string_view expected_yaml) {
  Node expected = parse_yaml(expected_yaml, "expected.yaml");
  INFO("actual:   " << tree_text(actual));
  INFO("expected: " << tree_text(expected));
  CHECK(actual == expected);
}

const Node& service(const Node& root, const char* name) { return *root.find("services")->find(name); }

}  // namespace

TEST_CASE("extends with a service name merges that service of the same file under this one", "[extends]") {
  Node root = extended(
      "services:\n  base:\n    image: app\n    restart: always\n"
      "  web:\n    extends: base\n    restart: \"no\"\n    ports: [\"80:80\"]\n");
  check_tree(service(root, "web"), "{image: app, restart: \"no\", ports: [\"80:80\"]}\n");
  check_tree(service(root, "base"), "{image: app, restart: always}\n");
}

TEST_CASE("extends in the long form without a file uses the same file", "[extends]") {
  Node root = extended("services:\n  base: {image: app}\n  web:\n    extends: {service: base}\n    user: me\n");
  check_tree(service(root, "web"), "{image: app, user: me}\n");
}

TEST_CASE("extends with a file takes the service from that file, keeping its marks", "[extends]") {
  Files files;
  files.add("/p/common.yaml", "services:\n  app:\n    image: app\n    env_file: [/p/common.env]\n");
  Node root = extended("services:\n  web:\n    extends:\n      file: /p/common.yaml\n      service: app\n    user: me\n",
                       files);
  check_tree(service(root, "web"), "{image: app, env_file: [/p/common.env], user: me}\n");
  const Node& image = *service(root, "web").find("image");
  CHECK(*image.mark.file == "/p/common.yaml");
  CHECK(image.mark.line == 3);
  CHECK(*service(root, "web").find("user")->mark.file == "/p/compose.yaml");
  CHECK(*service(root, "web").mark.file == "/p/compose.yaml");
}

TEST_CASE("extends follows chains, nearer services winning", "[extends]") {
  Node root = extended(
      "services:\n  a:\n    extends: b\n    environment: {A: a}\n"
      "  b:\n    extends: c\n    environment: {A: b, B: b}\n"
      "  c:\n    image: c\n    environment: {A: c, B: c, C: c}\n");
  check_tree(service(root, "a"), "{image: c, environment: {A: a, B: b, C: c}}\n");
  check_tree(service(root, "b"), "{image: c, environment: {A: b, B: b, C: c}}\n");
}

TEST_CASE("extends in another file resolves that file's own extends relative to it", "[extends]") {
  Files files;
  files.add("/p/lib/common.yaml",
            "services:\n  app:\n    extends: core\n    user: app\n"
            "  core:\n    extends: {file: deeper/core.yaml, service: root}\n    image: core\n");
  files.add("/p/lib/deeper/core.yaml", "services:\n  root:\n    image: root\n    init: true\n");
  Node root = extended("services:\n  web:\n    extends: {file: /p/lib/common.yaml, service: app}\n", files);
  check_tree(service(root, "web"), "{image: core, init: true, user: app}\n");
}

TEST_CASE("extends reads a relative file against the extending file's directory", "[extends]") {
  Files files;
  files.add("/p/sub/base.yaml", "services:\n  app: {image: app}\n");
  Node root = extended("services:\n  web:\n    extends: {file: sub/base.yaml, service: app}\n", files);
  check_tree(service(root, "web"), "{image: app}\n");
}

TEST_CASE("extends merges with the merge rules, the extending service winning", "[extends]") {
  Node root = extended(
      "services:\n  base:\n    command: [a, b]\n    ports: [\"8080:80\"]\n    environment: [A=1, B=2]\n"
      "  web:\n    extends: base\n    command: [c]\n    ports: [{target: 80, published: 8080}]\n"
      "    environment: {B: 3}\n");
  check_tree(service(root, "web"),
             "{command: [c], ports: [{target: 80, published: 8080}], environment: {A: \"1\", B: 3}}\n");
}

TEST_CASE("extends does not inherit depends_on and volumes_from, as compose v2", "[extends]") {
  Node root = extended(
      "services:\n  db: {image: pg}\n"
      "  base:\n    image: app\n    depends_on: [db]\n    volumes_from: [db]\n    links: [db]\n"
      "  web:\n    extends: base\n");
  check_tree(service(root, "web"), "{image: app, links: [db]}\n");
}

TEST_CASE("extends keeps the extending service's own depends_on", "[extends]") {
  Node root = extended(
      "services:\n  db: {image: pg}\n  base:\n    image: app\n    depends_on: [db]\n"
      "  web:\n    extends: base\n    depends_on: [db]\n");
  check_tree(service(root, "web"), "{image: app, depends_on: [db]}\n");
}

TEST_CASE("extends honors !reset in the extending service", "[extends]") {
  Node root = extended(
      "services:\n  base:\n    image: app\n    ports: [\"80:80\"]\n"
      "  web:\n    extends: base\n    ports: !reset []\n");
  check_tree(service(root, "web"), "{image: app}\n");
}

TEST_CASE("extends of an empty service gives the extending service", "[extends]") {
  Node root = extended("services:\n  base:\n  web:\n    extends: base\n    image: x\n");
  check_tree(service(root, "web"), "{image: x}\n");
}

TEST_CASE("extends reports a cycle with its chain at the first extends of the cycle", "[extends]") {
  REQUIRE_THROWS_WITH(extended("services:\n  a:\n    extends: b\n  b:\n    extends: a\n"),
                      "/p/compose.yaml:3:5: services.a: extends cycle: a -> b -> a");
}

TEST_CASE("extends reports a service extending itself", "[extends]") {
  REQUIRE_THROWS_WITH(extended("services:\n  a:\n    image: x\n    extends: {service: a}\n"),
                      "/p/compose.yaml:4:5: services.a: extends cycle: a -> a");
}

TEST_CASE("extends reports a cycle through another file, naming that file", "[extends]") {
  Files files;
  files.add("/p/other.yaml", "services:\n  b:\n    extends: {file: /p/compose.yaml, service: a}\n");
  REQUIRE_THROWS_WITH(extended("services:\n  a:\n    extends: {file: /p/other.yaml, service: b}\n", files),
                      "/p/compose.yaml:3:5: services.a: extends cycle: a -> b (/p/other.yaml) -> a");
}

TEST_CASE("extends reports a missing service of the same file at the extends key", "[extends]") {
  REQUIRE_THROWS_WITH(extended("services:\n  web:\n    image: x\n    extends: base\n"),
                      "/p/compose.yaml:4:5: services.web.extends: service \"base\" not found");
}

TEST_CASE("extends reports a missing service of another file, naming the file", "[extends]") {
  Files files;
  files.add("/p/common.yaml", "services:\n  app: {image: app}\n");
  REQUIRE_THROWS_WITH(
      extended("services:\n  web:\n    extends: {file: /p/common.yaml, service: base}\n", files),
      "/p/compose.yaml:3:5: services.web.extends: service \"base\" not found in /p/common.yaml");
}

TEST_CASE("extends reports a file it cannot read at the extends key", "[extends]") {
  REQUIRE_THROWS_WITH(extended("services:\n  web:\n    extends: {file: /p/missing.yaml, service: base}\n"),
                      "/p/compose.yaml:3:5: services.web.extends: open /p/missing.yaml: no such file or directory");
}

TEST_CASE("extends rejects malformed extends values", "[extends]") {
  REQUIRE_THROWS_WITH(extended("services:\n  web:\n    extends: [base]\n"),
                      "/p/compose.yaml:3:14: services.web.extends: must be a string or a mapping, not a sequence");
  REQUIRE_THROWS_WITH(extended("services:\n  web:\n    extends: {file: x.yaml}\n"),
                      "/p/compose.yaml:3:5: services.web.extends: missing \"service\": the name of the service to extend");
  REQUIRE_THROWS_WITH(extended("services:\n  web:\n    extends: {service: [a]}\n"),
                      "/p/compose.yaml:3:24: services.web.extends.service: must be a string, not a sequence");
}

TEST_CASE("extends rejects a base service that is not a mapping", "[extends]") {
  REQUIRE_THROWS_WITH(extended("services:\n  base: [x]\n  web:\n    extends: base\n"),
                      "/p/compose.yaml:2:9: services.base: must be a mapping, not a sequence");
}

TEST_CASE("extends leaves services without extends and files without services alone", "[extends]") {
  Node root = extended("services:\n  web: {image: x}\n  empty:\n");
  check_tree(root, "services:\n  web: {image: x}\n  empty:\n");
  Node none = extended("name: x\n");
  check_tree(none, "name: x\n");
}
