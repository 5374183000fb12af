#include <catch2/catch.hpp>

#include <memory>

#include "compose/interpolate.hpp"
#include "compose/parse.hpp"

using stack::Error;
using stack::compose::Environment;
using stack::compose::interpolate_string;
using stack::compose::interpolate_tree;
using stack::compose::lookup_in;
using stack::compose::Mark;
using stack::compose::Node;
using stack::compose::parse_yaml;
using stack::compose::Warnings;

namespace {

const Environment kEnv = {{"NAME", "web"}, {"EMPTY", ""}, {"PORT", "8080"}, {"B", "bee"}};

std::string interp(std::string_view text, Warnings* warnings = nullptr) {
  return interpolate_string(text, lookup_in(kEnv), Mark{}, "", warnings);
}

Mark mark_at(int line, int column) {
  return Mark{std::make_shared<const std::string>("compose.yaml"), line, column};
}

}  // namespace

TEST_CASE("interpolate replaces $VAR and ${VAR}", "[interpolate]") {
  CHECK(interp("$NAME") == "web");
  CHECK(interp("${NAME}") == "web");
  CHECK(interp("image-$NAME:${PORT}") == "image-web:8080");
  CHECK(interp("${NAME}${PORT}") == "web8080");
}

TEST_CASE("interpolate ends a bare $VAR name at the first non-name character", "[interpolate]") {
  CHECK(interp("$NAME.example") == "web.example");
  CHECK(interp("$NAME-1") == "web-1");
  CHECK(interp("$PORTS") == "");  // PORTS, not PORT followed by S
}

TEST_CASE("interpolate leaves text without $ untouched", "[interpolate]") {
  CHECK(interp("plain {text} with } braces") == "plain {text} with } braces");
}

TEST_CASE("interpolate :- uses the default when unset or empty", "[interpolate]") {
  CHECK(interp("${UNSET:-dflt}") == "dflt");
  CHECK(interp("${EMPTY:-dflt}") == "dflt");
  CHECK(interp("${NAME:-dflt}") == "web");
  CHECK(interp("${UNSET:-}") == "");
}

TEST_CASE("interpolate - uses the default only when unset", "[interpolate]") {
  CHECK(interp("${UNSET-dflt}") == "dflt");
  CHECK(interp("${EMPTY-dflt}") == "");
  CHECK(interp("${NAME-dflt}") == "web");
}

TEST_CASE("interpolate :+ replaces only a set, non-empty variable", "[interpolate]") {
  CHECK(interp("${NAME:+yes}") == "yes");
  CHECK(interp("${EMPTY:+yes}") == "");
  CHECK(interp("${UNSET:+yes}") == "");
}

TEST_CASE("interpolate + replaces a set variable even when empty", "[interpolate]") {
  CHECK(interp("${NAME+yes}") == "yes");
  CHECK(interp("${EMPTY+yes}") == "yes");
  CHECK(interp("${UNSET+yes}") == "");
}

TEST_CASE("interpolate ? and :? pass set values through", "[interpolate]") {
  CHECK(interp("${NAME:?need it}") == "web");
  CHECK(interp("${NAME?need it}") == "web");
  CHECK(interp("${EMPTY?need it}") == "");
}

TEST_CASE("interpolate :? fails on unset or empty with compose's message, file:line:col and path",
          "[interpolate]") {
  auto lookup = lookup_in(kEnv);
  REQUIRE_THROWS_WITH(interpolate_string("${UNSET:?set it please}", lookup, mark_at(4, 12), "services.web.image", nullptr),
                      "compose.yaml:4:12: services.web.image: required variable UNSET is missing a value: set it please");
  REQUIRE_THROWS_WITH(interpolate_string("${EMPTY:?no}", lookup, mark_at(1, 1), "x", nullptr),
                      "compose.yaml:1:1: x: required variable EMPTY is missing a value: no");
}

TEST_CASE("interpolate ? fails only on unset", "[interpolate]") {
  REQUIRE_THROWS_WITH(interpolate_string("${UNSET?gone}", lookup_in(kEnv), mark_at(2, 3), "p", nullptr),
                      "compose.yaml:2:3: p: required variable UNSET is missing a value: gone");
}

TEST_CASE("interpolate required error without text has no trailing colon", "[interpolate]") {
  REQUIRE_THROWS_WITH(interpolate_string("${UNSET:?}", lookup_in(kEnv), mark_at(2, 3), "p", nullptr),
                      "compose.yaml:2:3: p: required variable UNSET is missing a value");
  REQUIRE_THROWS_WITH(interpolate_string("${UNSET?}", lookup_in(kEnv), mark_at(2, 3), "p", nullptr),
                      "compose.yaml:2:3: p: required variable UNSET is missing a value");
}

TEST_CASE("interpolate expands variables inside the required message", "[interpolate]") {
  REQUIRE_THROWS_WITH(interp("${UNSET:?needed by $NAME}"), "required variable UNSET is missing a value: needed by web");
}

TEST_CASE("interpolate nests defaults", "[interpolate]") {
  CHECK(interp("${A:-${B:-x}}") == "bee");
  CHECK(interp("${A:-${C:-x}}") == "x");
  CHECK(interp("${A:-${C:-${NAME}}}-tail") == "web-tail");
  CHECK(interp("${NAME:+${PORT}}") == "8080");
  CHECK(interp("${A:-pre-${B}-post}") == "pre-bee-post");
}

TEST_CASE("interpolate evaluates a default only when it is used", "[interpolate]") {
  Warnings warnings;
  CHECK(interp("${NAME:-$UNUSED}", &warnings) == "web");
  CHECK(interp("${NAME:-${UNSET:?never}}") == "web");
  CHECK(warnings.empty());
}

TEST_CASE("interpolate keeps text after the closing brace of a default", "[interpolate]") {
  CHECK(interp("${UNSET:-a}b}") == "ab}");
  CHECK(interp("${UNSET-x} and ${NAME}") == "x and web");
}

TEST_CASE("interpolate turns $$ into a literal $", "[interpolate]") {
  CHECK(interp("$$") == "$");
  CHECK(interp("$$NAME") == "$NAME");
  CHECK(interp("$${NAME}") == "${NAME}");
  CHECK(interp("cost: $$$PORT") == "cost: $8080");
  CHECK(interp("${UNSET:-$$x}") == "$x");
}

TEST_CASE("interpolate keeps a lone $ before a non-name character or at the end", "[interpolate]") {
  CHECK(interp("$") == "$");
  CHECK(interp("price 5$") == "price 5$");
  CHECK(interp("$ 1") == "$ 1");
  CHECK(interp("$1") == "$1");
  CHECK(interp("a$-b") == "a$-b");
  CHECK(interp("$.") == "$.");
}

TEST_CASE("interpolate rejects malformed braces with compose's wording", "[interpolate]") {
  auto lookup = lookup_in(kEnv);
  auto fails = [&](std::string_view text) { return interpolate_string(text, lookup, mark_at(3, 5), "services.web.command", nullptr); };
  REQUIRE_THROWS_WITH(fails("echo ${"), "compose.yaml:3:5: invalid interpolation format for services.web.command: \"echo ${\"");
  REQUIRE_THROWS_WITH(fails("${NAME"), Catch::EndsWith(": \"${NAME\""));
  REQUIRE_THROWS_WITH(fails("${}"), Catch::EndsWith(": \"${}\""));
  REQUIRE_THROWS_WITH(fails("${1A}"), Catch::Contains("invalid interpolation format"));
  REQUIRE_THROWS_WITH(fails("${NA ME}"), Catch::Contains("invalid interpolation format"));
  REQUIRE_THROWS_WITH(fails("${NAME:x}"), Catch::Contains("invalid interpolation format"));
  REQUIRE_THROWS_WITH(fails("${NAME!}"), Catch::Contains("invalid interpolation format"));
  REQUIRE_THROWS_WITH(fails("${A:-${B}"), Catch::Contains("invalid interpolation format"));
}

TEST_CASE("interpolate invalid format error carries the escaping hint and quotes the text", "[interpolate]") {
  try {
    interpolate_string("say \"hi\" ${", lookup_in(kEnv), Mark{}, "", nullptr);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "invalid interpolation format: \"say \\\"hi\\\" ${\"");
    CHECK(e.hint() == "You may need to escape any $ with another $.");
  }
}

TEST_CASE("interpolate unset variable gives empty text and compose's warning", "[interpolate]") {
  Warnings warnings;
  CHECK(interp("a${UNSET}b", &warnings) == "ab");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "The \"UNSET\" variable is not set. Defaulting to a blank string.");
}

TEST_CASE("interpolate warns once per variable per warnings vector", "[interpolate]") {
  Warnings warnings;
  interp("$UNSET ${UNSET}", &warnings);
  interp("$UNSET", &warnings);
  interp("$OTHER", &warnings);
  CHECK(warnings == Warnings{"The \"UNSET\" variable is not set. Defaulting to a blank string.",
                             "The \"OTHER\" variable is not set. Defaulting to a blank string."});
}

TEST_CASE("interpolate does not warn for set-but-empty or defaulted variables", "[interpolate]") {
  Warnings warnings;
  interp("$EMPTY ${UNSET:-x} ${UNSET-x} ${UNSET:+x} ${UNSET+x}", &warnings);
  CHECK(warnings.empty());
}

TEST_CASE("interpolate accepts lowercase and underscore names", "[interpolate]") {
  Environment env = {{"lower_case", "v"}, {"_X1", "w"}};
  CHECK(interpolate_string("$lower_case ${_X1}", lookup_in(env), Mark{}, "", nullptr) == "v w");
}

TEST_CASE("interpolate_tree substitutes values of mappings and sequences, never keys", "[interpolate]") {
  Node root = parse_yaml(
      "services:\n"
      "  $NAME:\n"
      "    image: \"nginx:${PORT}\"\n"
      "    environment:\n"
      "      ${NAME}_KEY: $NAME\n"
      "    ports:\n"
      "      - ${PORT}:80\n"
      "      - 443\n",
      "compose.yaml");
  interpolate_tree(root, lookup_in(kEnv), nullptr);
  const Node* svc = root.find("services")->find("$NAME");
  REQUIRE(svc);
  CHECK(svc->find("image")->value == "nginx:8080");
  CHECK(svc->find("environment")->find("${NAME}_KEY")->value == "web");
  CHECK(svc->find("ports")->items[0].value == "8080:80");
  CHECK(svc->find("ports")->items[1].value == "443");
}

TEST_CASE("interpolate_tree keeps scalar style, tags and nulls", "[interpolate]") {
  Node root = parse_yaml("a: ${PORT}\nb: \"${PORT}\"\nc: !reset\nd: !override ${NAME}\n", "compose.yaml");
  interpolate_tree(root, lookup_in(kEnv), nullptr);
  CHECK(root.find("a")->value == "8080");
  CHECK(root.find("a")->style == Node::Style::Plain);
  CHECK(root.find("b")->style == Node::Style::Quoted);
  CHECK(root.find("c")->is_null());
  CHECK(root.find("c")->tag == "!reset");
  CHECK(root.find("d")->value == "web");
  CHECK(root.find("d")->tag == "!override");
}

TEST_CASE("interpolate_tree errors name file:line:col and the mapping key path", "[interpolate]") {
  Node root = parse_yaml("services:\n  web:\n    environment:\n      FOO: ${MISSING:?set FOO}\n", "compose.yaml");
  REQUIRE_THROWS_WITH(interpolate_tree(root, lookup_in(kEnv), nullptr),
                      "compose.yaml:4:12: services.web.environment.FOO: required variable MISSING is missing a value: set FOO");
}

TEST_CASE("interpolate_tree errors name sequence indexes in the path", "[interpolate]") {
  Node root = parse_yaml("services:\n  web:\n    ports:\n      - 80\n      - ${oops\n", "compose.yaml");
  REQUIRE_THROWS_WITH(interpolate_tree(root, lookup_in(kEnv), nullptr),
                      "compose.yaml:5:9: invalid interpolation format for services.web.ports[1]: \"${oops\"");
}

TEST_CASE("interpolate_tree starts paths from the given root path", "[interpolate]") {
  Node root = parse_yaml("- ${X:?}\n", "compose.yaml");
  REQUIRE_THROWS_WITH(interpolate_tree(root, lookup_in(kEnv), nullptr, "services.web.command"),
                      Catch::Contains("services.web.command[0]: required variable X is missing a value"));
}

TEST_CASE("interpolate_tree collects each unset variable warning once across the tree", "[interpolate]") {
  Node root = parse_yaml("a: $NOPE\nb:\n  - $NOPE\n  - ${NOPE}\nc: {d: $NOPE}\n", "compose.yaml");
  Warnings warnings;
  interpolate_tree(root, lookup_in(kEnv), &warnings);
  CHECK(warnings == Warnings{"The \"NOPE\" variable is not set. Defaulting to a blank string."});
  CHECK(root.find("b")->items[1].value == "");
}
