#include <catch2/catch.hpp>

#include "compose/parse.hpp"

using stack::compose::Node;
using stack::compose::parse_yaml;

TEST_CASE("parse keeps 1-based line and column of nodes and keys", "[parse]") {
  Node root = parse_yaml("services:\n  web:\n    image: nginx\n", "compose.yaml");
  const Node* web = root.find("services")->find("web");
  REQUIRE(web);
  const auto* image = web->find_entry("image");
  REQUIRE(image);
  CHECK(image->key_mark.line == 3);
  CHECK(image->key_mark.column == 5);
  CHECK(image->value.mark.line == 3);
  CHECK(image->value.mark.column == 12);
  CHECK(*image->value.mark.file == "compose.yaml");
}

TEST_CASE("parse tells quoted scalars from plain ones", "[parse]") {
  Node root = parse_yaml("a: true\nb: \"true\"\nc: 'x'\n", "f.yaml");
  CHECK(root.find("a")->style == Node::Style::Plain);
  CHECK(root.find("b")->style == Node::Style::Quoted);
  CHECK(root.find("c")->style == Node::Style::Quoted);
}

TEST_CASE("parse keeps !reset and !override tags", "[parse]") {
  Node root = parse_yaml("ports: !reset []\nenv: !override {A: 1}\nx: !reset\n", "f.yaml");
  CHECK(root.find("ports")->tag == "!reset");
  CHECK(root.find("env")->tag == "!override");
  CHECK(root.find("x")->tag == "!reset");
  CHECK(root.find("x")->is_null());
}

TEST_CASE("parse applies merge keys with explicit keys winning", "[parse]") {
  Node root = parse_yaml(
      "x-base: &base\n  image: a\n  restart: always\n"
      "services:\n  web:\n    <<: *base\n    image: b\n",
      "f.yaml");
  const Node* web = root.find("services")->find("web");
  CHECK(web->find("<<") == nullptr);
  CHECK(web->find("image")->value == "b");
  CHECK(web->find("restart")->value == "always");
}

TEST_CASE("parse applies a list of merge keys with earlier maps winning", "[parse]") {
  Node root = parse_yaml(
      "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\n"
      "c:\n  <<: [*a, *b]\n",
      "f.yaml");
  const Node* c = root.find("c");
  CHECK(c->find("x")->value == "1");
  CHECK(c->find("y")->value == "1");
  CHECK(c->find("z")->value == "2");
}

TEST_CASE("parse rejects duplicate keys with their line", "[parse]") {
  REQUIRE_THROWS_WITH(parse_yaml("a: 1\nb: 2\na: 3\n", "dup.yaml"),
                      Catch::Contains("dup.yaml:3:1") && Catch::Contains("duplicate key \"a\""));
}

TEST_CASE("parse reports YAML syntax errors with file, line and column", "[parse]") {
  REQUIRE_THROWS_WITH(parse_yaml("services:\n  web: [a, b\n", "bad.yaml"),
                      Catch::StartsWith("bad.yaml:") && Catch::Contains("invalid YAML"));
}

TEST_CASE("parse of an empty document gives null", "[parse]") {
  CHECK(parse_yaml("", "e.yaml").is_null());
  CHECK(parse_yaml("# only a comment\n", "e.yaml").is_null());
}

TEST_CASE("parse refuses an alias bomb instead of exhausting memory", "[parse]") {
  std::string doc = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c) {
    doc += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) doc += std::string(i ? ", *" : "*") + prev;
    doc += "]\n";
    prev = c;
  }
  REQUIRE_THROWS_WITH(parse_yaml(doc, "bomb.yaml"), Catch::Contains("too large"));
}
