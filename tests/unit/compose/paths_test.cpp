#include <catch2/catch.hpp>

#include "compose/parse.hpp"
#include "compose/paths.hpp"
#include "unit/compose/tree_text.hpp"

using stack::compose::Node;
using stack::compose::parse_yaml;
using stack::compose::resolve_relative_paths;
using stack::compose::testing::tree_text;

namespace {

Node resolved(std::string_view yaml) {
  Node root = parse_yaml(yaml, "compose.yaml");
  resolve_relative_paths(root, "/proj", "/home/me");
  return root;
}

const Node& web(const Node& root) { return *root.find("services")->find("web"); }

void check_tree(const Node& actual, std::string_view expected_yaml) {
  Node expected = parse_yaml(expected_yaml, "expected.yaml");
  INFO("actual:   " << tree_text(actual));
  INFO("expected: " << tree_text(expected));
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("paths makes a build string absolute against the base directory", "[paths]") {
  CHECK(web(resolved("services:\n  web:\n    build: ./app\n")).find("build")->value == "/proj/app");
  CHECK(web(resolved("services:\n  web:\n    build: .\n")).find("build")->value == "/proj");
  CHECK(web(resolved("services:\n  web:\n    build: ../other/\n")).find("build")->value == "/other");
  CHECK(web(resolved("services:\n  web:\n    build: /abs/./x\n")).find("build")->value == "/abs/x");
}

TEST_CASE("paths makes build.context absolute in the long syntax", "[paths]") {
  Node root = resolved("services:\n  web:\n    build: {context: app, dockerfile: Dockerfile.dev}\n");
  check_tree(web(root), "build: {context: /proj/app, dockerfile: Dockerfile.dev}\n");
}

TEST_CASE("paths leaves remote build contexts as written", "[paths]") {
  auto context = GENERATE("https://github.com/docker/app.git#main", "git://host/repo.git", "ssh://git@host/r.git",
                          "git@github.com:docker/app.git", "github.com/docker/app");
  std::string yaml = std::string("services:\n  web:\n    build: \"") + context + "\"\n  db:\n    build: {context: \"" +
                     context + "\"}\n";
  Node root = resolved(yaml);
  CHECK(web(root).find("build")->value == context);
  CHECK(root.find("services")->find("db")->find("build")->find("context")->value == context);
}

TEST_CASE("paths resolves local additional build contexts only", "[paths]") {
  Node root = resolved(
      "services:\n  web:\n    build:\n      additional_contexts:\n        lib: ../lib\n"
      "        img: docker-image://alpine\n        stage: target:base\n"
      "  db:\n    build:\n      additional_contexts: [\"lib=./lib\", \"img=docker-image://alpine\"]\n");
  check_tree(*web(root).find("build"),
             "additional_contexts: {lib: /lib, img: \"docker-image://alpine\", stage: \"target:base\"}\n");
  check_tree(*root.find("services")->find("db")->find("build"),
             "additional_contexts: [\"lib=/proj/lib\", \"img=docker-image://alpine\"]\n");
}

TEST_CASE("paths expands ~ and ~/ with the home directory", "[paths]") {
  Node root = resolved("services:\n  web:\n    build: ~/src/app\n  db:\n    build: \"~\"\n  cache:\n    build: ~other/x\n");
  CHECK(web(root).find("build")->value == "/home/me/src/app");
  CHECK(root.find("services")->find("db")->find("build")->value == "/home/me");
  // "~user" is not expanded: it is a relative path like any other.
  CHECK(root.find("services")->find("cache")->find("build")->value == "/proj/~other/x");
}

TEST_CASE("paths resolves env_file in every form", "[paths]") {
  Node one = resolved("services:\n  web:\n    env_file: .env\n");
  CHECK(web(one).find("env_file")->value == "/proj/.env");

  Node many = resolved(
      "services:\n  web:\n    env_file:\n      - a.env\n      - {path: ./b.env, required: false}\n      - /abs.env\n");
  check_tree(*web(many).find("env_file"), "[/proj/a.env, {path: /proj/b.env, required: false}, /abs.env]\n");
}

TEST_CASE("paths resolves label_file as a string or a list", "[paths]") {
  CHECK(web(resolved("services:\n  web:\n    label_file: ./l.txt\n")).find("label_file")->value == "/proj/l.txt");
  check_tree(*web(resolved("services:\n  web:\n    label_file: [a, ~/b]\n")).find("label_file"),
             "[/proj/a, /home/me/b]\n");
}

TEST_CASE("paths rewrites the source of short-syntax bind volumes, keeping target and options", "[paths]") {
  Node root = resolved(
      "services:\n  web:\n    volumes:\n      - ./data:/data:ro\n      - .:/app\n      - ~/cfg:/cfg\n"
      "      - ../up:/up:rw,z\n      - named:/named\n      - /abs:/abs\n      - /anonymous\n      - ~:/home\n");
  check_tree(*web(root).find("volumes"),
             "[\"/proj/data:/data:ro\", \"/proj:/app\", \"/home/me/cfg:/cfg\", \"/up:/up:rw,z\", \"named:/named\", "
             "\"/abs:/abs\", /anonymous, \"/home/me:/home\"]\n");
}

TEST_CASE("paths rewrites the source of long-syntax bind volumes only", "[paths]") {
  Node root = resolved(
      "services:\n  web:\n    volumes:\n      - {type: bind, source: ./src, target: /src}\n"
      "      - {type: volume, source: ./notapath, target: /v}\n");
  check_tree(*web(root).find("volumes"),
             "[{type: bind, source: /proj/src, target: /src}, {type: volume, source: ./notapath, target: /v}]\n");
}

TEST_CASE("paths resolves extends.file", "[paths]") {
  Node root = resolved("services:\n  web:\n    extends: {file: ../common.yaml, service: base}\n  db:\n    extends: base\n");
  check_tree(*web(root).find("extends"), "{file: /common.yaml, service: base}\n");
  CHECK(root.find("services")->find("db")->find("extends")->value == "base");
}

TEST_CASE("paths resolves the file of top-level secrets and configs", "[paths]") {
  Node root = resolved(
      "secrets:\n  s: {file: ./secret.txt}\n  e: {environment: TOKEN}\n"
      "configs:\n  c: {file: conf/app.ini}\n  x: {external: true}\n");
  check_tree(root,
             "secrets:\n  s: {file: /proj/secret.txt}\n  e: {environment: TOKEN}\n"
             "configs:\n  c: {file: /proj/conf/app.ini}\n  x: {external: true}\n");
}

TEST_CASE("paths makes the device of a local bind volume absolute", "[paths]") {
  Node root = resolved(
      "volumes:\n  bound: {driver_opts: {type: none, o: bind, device: ./data}}\n"
      "  ro: {driver: local, driver_opts: {type: none, o: \"bind,ro\", device: ~/d}}\n"
      "  nfs: {driver_opts: {type: nfs, o: \"addr=1.2.3.4\", device: \":/export\"}}\n"
      "  other: {driver: custom, driver_opts: {o: bind, device: ./x}}\n");
  check_tree(root,
             "volumes:\n  bound: {driver_opts: {type: none, o: bind, device: /proj/data}}\n"
             "  ro: {driver: local, driver_opts: {type: none, o: \"bind,ro\", device: /home/me/d}}\n"
             "  nfs: {driver_opts: {type: nfs, o: \"addr=1.2.3.4\", device: \":/export\"}}\n"
             "  other: {driver: custom, driver_opts: {o: bind, device: ./x}}\n");
}

TEST_CASE("paths leaves other keys that look like paths alone", "[paths]") {
  Node root = resolved("services:\n  web:\n    image: ./app\n    working_dir: ./w\n    build: {dockerfile: ./Dockerfile}\n");
  check_tree(web(root), "image: ./app\nworking_dir: ./w\nbuild: {dockerfile: ./Dockerfile}\n");
}

TEST_CASE("paths keeps the marks of rewritten values", "[paths]") {
  Node root = resolved("services:\n  web:\n    build: ./app\n");
  const Node& build = *web(root).find("build");
  CHECK(*build.mark.file == "compose.yaml");
  CHECK(build.mark.line == 3);
  CHECK(build.mark.column == 12);
}

TEST_CASE("paths ignores values of the wrong shape, for the decoder to report", "[paths]") {
  Node root = resolved("services:\n  web:\n    build: [a]\n    env_file: {a: b}\n    volumes: x\n  db:\nsecrets: [a]\n");
  check_tree(root, "services:\n  web:\n    build: [a]\n    env_file: {a: b}\n    volumes: x\n  db:\nsecrets: [a]\n");
}
