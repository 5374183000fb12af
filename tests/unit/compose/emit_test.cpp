#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "compose/emit.hpp"
#include "compose/parse.hpp"
#include "compose/yaml_scalar.hpp"

using stack::compose::emit_json;
using stack::compose::emit_yaml;
using stack::compose::Node;
using stack::compose::parse_yaml;

namespace {

Node quoted(std::string s) { return Node::scalar(std::move(s), Node::Style::Quoted); }
Node plain(std::string s) { return Node::scalar(std::move(s), Node::Style::Plain); }

Node map_of(std::initializer_list<std::pair<std::string, Node>> entries) {
  Node m = Node::mapping();
  for (const auto& [k, v] : entries) m.set(k, v);
  return m;
}

Node seq_of(std::initializer_list<Node> items) {
  Node s = Node::sequence();
  for (const auto& i : items) s.push(i);
  return s;
}

// Every scalar that was a string (Quoted) must still read as one: either it comes
// back Quoted, or as plain text no YAML reader takes for null, bool or number.
void require_strings_stay_strings(const Node& before, const Node& after, const std::string& path) {
  INFO("at " << path);
  REQUIRE(before.kind == after.kind);
  if (before.is_scalar() && before.style == Node::Style::Quoted) {
    INFO("value [" << before.value << "]");
    CHECK((after.style == Node::Style::Quoted || stack::compose::yaml_plain_is_string(after.value)));
  }
  for (size_t i = 0; i < before.items.size(); ++i)
    require_strings_stay_strings(before.items[i], after.items[i], path + "[" + std::to_string(i) + "]");
  for (size_t i = 0; i < before.entries.size(); ++i)
    require_strings_stay_strings(before.entries[i].value, after.entries[i].value, path + "." + before.entries[i].key);
}

void require_round_trip(const Node& n) {
  std::string text = emit_yaml(n);
  INFO("emitted:\n" << text);
  Node back = parse_yaml(text, "emitted.yaml");
  REQUIRE(back == n);
  require_strings_stay_strings(n, back, "");
}

const std::vector<std::string>& tricky_strings() {
  static const std::vector<std::string> strings = {
      "", " ", "  lead", "trail  ", "\tTab", "true", "false", "True", "FALSE", "yes", "No", "on", "OFF",
      "y", "n", "null", "Null", "~", "=", "<<", "80", "-1", "+1", "1.5", ".5", "1e3", "1E-3", "0x1F",
      "0o17", "017", "0b101", "1_000", "1:30", "190:20:30.15", ".inf", "-.Inf", ".NaN", "2024-01-31",
      "2001-12-14t21:59:43.10-05:00", "1.2.3", "8080:80", "127.0.0.1:8080:80/udp", "- item", "-", "--",
      "---", "--- doc", "...", "-flag", "--long-flag=1", "?", "? x", "?x", ":", ":x", "::1", "x:", "a: b",
      "a:b", "a #b", "a#b", "#comment", ",", "a,b", "[x]", "]", "{x: 1}", "}", "&anchor", "*alias",
      "!tag", "!!str", "|", "|-", ">", "'single'", "\"double\"", "it's", "say \"hi\"", "%percent",
      "@at", "`tick`", "back\\slash", "C:\\path", "line1\nline2", "line1\nline2\n", "\nleading break",
      "two breaks\n\n", "\n", "\n\n", "trailing space \nx", " indented\nfirst", "a\n  indented second\n",
      "crlf\r\n", std::string("nul\0byte", 8), "bell\a", "esc\x1b[0m", "del\x7f", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
      "emoji \xf0\x9f\x90\xb3", "nel\xc2\x85x", "ls\xe2\x80\xa8x", "\xef\xbb\xbf" "bom",
      "http://example.com:8080/path?q=1#frag", "${VAR:-default}", "$$escaped", "CMD-SHELL curl -f http://localhost",
      "a long string with spaces, commas, colons: and hashes # inside",
  };
  return strings;
}

}  // namespace

TEST_CASE("emit_yaml prints a compose document in docker compose's block style", "[emit]") {
  Node port = map_of({{"mode", quoted("ingress")}, {"target", plain("80")}, {"published", quoted("8080")},
                      {"protocol", quoted("tcp")}});
  Node web = map_of({{"command", seq_of({quoted("nginx"), quoted("-g"), quoted("daemon off;")})},
                     {"environment", map_of({{"DEBUG", quoted("true")}, {"EMPTY", quoted("")}, {"UNSET", Node::null()}})},
                     {"image", quoted("nginx:1.25-alpine")},
                     {"labels", Node::mapping()},
                     {"networks", map_of({{"default", Node::null()}})},
                     {"ports", seq_of({port})},
                     {"privileged", plain("true")},
                     {"volumes", Node::sequence()}});
  Node root = map_of({{"name", quoted("demo")}, {"services", map_of({{"web", web}})}});

  CHECK(emit_yaml(root) ==
        "name: demo\n"
        "services:\n"
        "  web:\n"
        "    command:\n"
        "      - nginx\n"
        "      - -g\n"
        "      - daemon off;\n"
        "    environment:\n"
        "      DEBUG: \"true\"\n"
        "      EMPTY: \"\"\n"
        "      UNSET: null\n"
        "    image: nginx:1.25-alpine\n"
        "    labels: {}\n"
        "    networks:\n"
        "      default: null\n"
        "    ports:\n"
        "      - mode: ingress\n"
        "        target: 80\n"
        "        published: \"8080\"\n"
        "        protocol: tcp\n"
        "    privileged: true\n"
        "    volumes: []\n");
}

TEST_CASE("emit_yaml quotes strings that plain would read as something else", "[emit]") {
  auto emitted = [](const std::string& s) { return emit_yaml(map_of({{"k", quoted(s)}})); };
  CHECK(emitted("") == "k: \"\"\n");
  CHECK(emitted("yes") == "k: \"yes\"\n");
  CHECK(emitted("null") == "k: \"null\"\n");
  CHECK(emitted("~") == "k: \"~\"\n");
  CHECK(emitted("80") == "k: \"80\"\n");
  CHECK(emitted("1.5") == "k: \"1.5\"\n");
  CHECK(emitted("0x1F") == "k: \"0x1F\"\n");
  CHECK(emitted("22:22") == "k: \"22:22\"\n");  // YAML 1.1 sexagesimal: 1342
  CHECK(emitted("2024-01-31") == "k: \"2024-01-31\"\n");
  CHECK(emitted(" padded ") == "k: \" padded \"\n");
  CHECK(emitted("*star") == "k: \"*star\"\n");
  CHECK(emitted("a: b") == "k: \"a: b\"\n");
  CHECK(emitted("a #b") == "k: \"a #b\"\n");
  CHECK(emitted("say \"hi\" C:\\x") == "k: say \"hi\" C:\\x\n");
  CHECK(emitted("tab\there") == "k: \"tab\\there\"\n");
  CHECK(emitted(std::string("nul\0x", 5)) == "k: \"nul\\x00x\"\n");
  CHECK(emitted("nel\xc2\x85") == "k: \"nel\\u0085\"\n");
}

TEST_CASE("emit_yaml writes strings plain when they still read as strings", "[emit]") {
  auto emitted = [](const std::string& s) { return emit_yaml(map_of({{"k", quoted(s)}})); };
  CHECK(emitted("nginx:1.25-alpine") == "k: nginx:1.25-alpine\n");
  CHECK(emitted("--flag") == "k: --flag\n");
  CHECK(emitted("1.2.3") == "k: 1.2.3\n");
  CHECK(emitted("8080:80") == "k: 8080:80\n");  // 80 is no base-60 digit
  CHECK(emitted("http://x:80/a#b") == "k: http://x:80/a#b\n");
  CHECK(emitted("caf\xc3\xa9") == "k: caf\xc3\xa9\n");
}

TEST_CASE("emit_yaml writes plain scalars bare and quotes the ones that would not read back", "[emit]") {
  Node root = map_of({{"port", plain("80")}, {"ratio", plain("1.5")}, {"on", plain("true")},
                      {"odd", plain("a: b")}, {"empty", plain("")}, {"word", plain("null")}});
  CHECK(emit_yaml(root) == "port: 80\nratio: 1.5\n\"on\": true\nodd: \"a: b\"\nempty: \"\"\nword: \"null\"\n");
}

TEST_CASE("emit_yaml writes multi-line strings as literal blocks at the right indentation", "[emit]") {
  Node root = map_of({{"script", quoted("set -e\n\necho hi\n")},
                      {"list", seq_of({quoted("a\nb"), map_of({{"k", quoted("x\ny\n")}})})}});
  CHECK(emit_yaml(root) ==
        "script: |\n"
        "  set -e\n"
        "\n"
        "  echo hi\n"
        "list:\n"
        "  - |-\n"
        "    a\n"
        "    b\n"
        "  - k: |\n"
        "      x\n"
        "      y\n");
}

TEST_CASE("emit_yaml falls back to escapes for multi-line strings a block cannot hold", "[emit]") {
  auto emitted = [](const std::string& s) { return emit_yaml(map_of({{"k", quoted(s)}})); };
  CHECK(emitted("trailing \nspace") == "k: \"trailing \\nspace\"\n");
  CHECK(emitted(" lead\nx") == "k: \" lead\\nx\"\n");
  CHECK(emitted("end\n\n") == "k: \"end\\n\\n\"\n");
  CHECK(emitted("cr\r\nlf") == "k: \"cr\\r\\nlf\"\n");
}

TEST_CASE("emit_yaml nests sequences and keeps empty collections and tags", "[emit]") {
  Node root = map_of({{"matrix", seq_of({seq_of({plain("1"), plain("2")}), Node::sequence(), Node::mapping()})},
                      {"nulls", seq_of({Node::null()})}});
  Node reset = Node::sequence();
  reset.tag = "!reset";
  Node override_map = map_of({{"A", quoted("1")}});
  override_map.tag = "!override";
  Node gone = Node::null();
  gone.tag = "!reset";
  root.set("ports", reset);
  root.set("environment", override_map);
  root.set("gone", gone);
  std::string text = emit_yaml(root);
  CHECK(text ==
        "matrix:\n"
        "  - - 1\n"
        "    - 2\n"
        "  - []\n"
        "  - {}\n"
        "nulls:\n"
        "  - null\n"
        "ports: !reset []\n"
        "environment: !override\n"
        "  A: \"1\"\n"
        "gone: !reset\n");
  Node back = parse_yaml(text, "t.yaml");
  CHECK(back == root);
  CHECK(back.find("ports")->tag == "!reset");
  CHECK(back.find("environment")->tag == "!override");
  CHECK(back.find("gone")->tag == "!reset");
  CHECK(back.find("gone")->is_null());
}

TEST_CASE("emit_yaml writes keys past YAML's 1024-character limit as explicit keys", "[emit]") {
  std::string long_key(2000, 'k');
  Node root = map_of({{long_key, plain("1")}, {"short", plain("2")}});
  CHECK(emit_yaml(root) == "? " + long_key + "\n: 1\nshort: 2\n");
  require_round_trip(root);
  require_round_trip(seq_of({map_of({{long_key, map_of({{"a", quoted("x")}})}, {long_key + "2", Node::sequence()}})}));
}

TEST_CASE("emit_yaml of a root that is not a mapping", "[emit]") {
  CHECK(emit_yaml(Node::null()) == "null\n");
  CHECK(emit_yaml(Node::mapping()) == "{}\n");
  CHECK(emit_yaml(quoted("true")) == "\"true\"\n");
  CHECK(emit_yaml(seq_of({quoted("a")})) == "- a\n");
}

TEST_CASE("emit_yaml round-trips tricky strings as values, keys and sequence items", "[emit]") {
  for (const std::string& s : tricky_strings()) {
    INFO("string [" << s << "]");
    require_round_trip(map_of({{"k", quoted(s)}}));
    require_round_trip(seq_of({quoted(s), plain("x")}));
    require_round_trip(map_of({{"outer", seq_of({map_of({{"k", quoted(s)}, {"j", quoted(s)}})})}}));
    require_round_trip(map_of({{s, plain("1")}}));
    require_round_trip(quoted(s));
  }
}

TEST_CASE("emit_yaml round-trips plain scalars that are not plain-safe by quoting them", "[emit]") {
  for (const std::string& s : tricky_strings()) {
    INFO("string [" << s << "]");
    Node n = map_of({{"k", plain(s)}});
    Node back = parse_yaml(emit_yaml(n), "t.yaml");
    CHECK(back == n);
  }
}

TEST_CASE("emit_yaml round-trips a parsed compose file", "[emit]") {
  const char* doc =
      "name: blog\n"
      "services:\n"
      "  web:\n"
      "    image: \"nginx:1.25\"\n"
      "    command: [\"sh\", \"-c\", \"echo 'a: b' && exec nginx\"]\n"
      "    environment:\n"
      "      FLAG: 'yes'\n"
      "      COUNT: 3\n"
      "      EMPTY: \"\"\n"
      "      NONE:\n"
      "    healthcheck:\n"
      "      test: [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]\n"
      "      interval: 10s\n"
      "    configs:\n"
      "      - source: conf\n"
      "        target: /etc/x.conf\n"
      "x-script: |\n"
      "  #!/bin/sh\n"
      "  echo \"$$HOME\"\n";
  Node n = parse_yaml(doc, "compose.yaml");
  require_round_trip(n);
}

TEST_CASE("emit_json prints numbers and bools bare and strings quoted", "[emit]") {
  Node root = map_of({{"published", quoted("8080")}, {"target", plain("80")}, {"ratio", plain("1.5e3")},
                      {"tty", plain("true")}, {"yes", plain("yes")}, {"octal", plain("017")},
                      {"none", Node::null()}, {"list", seq_of({quoted("a"), plain("-2")})},
                      {"empty_map", Node::mapping()}, {"empty_list", Node::sequence()}});
  CHECK(emit_json(root) ==
        "{\n"
        "  \"published\": \"8080\",\n"
        "  \"target\": 80,\n"
        "  \"ratio\": 1.5e3,\n"
        "  \"tty\": true,\n"
        "  \"yes\": \"yes\",\n"
        "  \"octal\": \"017\",\n"
        "  \"none\": null,\n"
        "  \"list\": [\n"
        "    \"a\",\n"
        "    -2\n"
        "  ],\n"
        "  \"empty_map\": {},\n"
        "  \"empty_list\": []\n"
        "}\n");
  CHECK(emit_json(root, false) ==
        "{\"published\":\"8080\",\"target\":80,\"ratio\":1.5e3,\"tty\":true,\"yes\":\"yes\",\"octal\":\"017\","
        "\"none\":null,\"list\":[\"a\",-2],\"empty_map\":{},\"empty_list\":[]}");
}

TEST_CASE("emit_json escapes every string so a JSON parser reads it back", "[emit]") {
  Node root = Node::mapping();
  for (const std::string& s : tricky_strings()) root.set("k" + std::to_string(root.entries.size()) + s, quoted(s));
  auto parsed = nlohmann::json::parse(emit_json(root));
  REQUIRE(parsed.size() == root.entries.size());
  for (size_t i = 0; i < root.entries.size(); ++i) {
    const auto& e = root.entries[i];
    if (e.key.find('\xff') != std::string::npos) continue;  // not UTF-8: see the replacement check below
    INFO("key [" << e.key << "]");
    CHECK(parsed.at(e.key) == e.value.value);
  }
  CHECK(emit_json(quoted("q\"\\\n\x01"), false) == "\"q\\\"\\\\\\n\\u0001\"");
  CHECK(emit_json(quoted("bad\xff"), false) == "\"bad\xef\xbf\xbd\"");
  CHECK(emit_yaml(quoted("bad\xff")) == "\"bad\xef\xbf\xbd\"\n");
}

TEST_CASE("emit_yaml round-trips random strings made of YAML's special characters", "[emit]") {
  // Fixed seed: the same 3000 strings every run, so a failure is reproducible.
  static const std::vector<std::string> pieces = {
      " ", "  ", "\t", "\n", "\r", ":", ": ", "-", "- ", "#", " #", "?", ",", "[", "]", "{", "}", "&", "*",
      "!", "|", ">", "'", "\"", "%", "@", "`", "\\", "~", "0", "1", "9", ".", "e", "x", "_", "+", "a", "yes",
      "null", "true", "---", "...", "<<", "=", "\xc3\xa9", "\xc2\x85", "\xe2\x80\xa8", std::string(1, '\0')};
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (uint32_t n = next() % 6; n > 0; --n) s += pieces[(next() >> 8) % pieces.size()];
    INFO("string [" << s << "]");
    require_round_trip(map_of({{"k", quoted(s)}, {"list", seq_of({quoted(s), map_of({{"k", quoted(s)}})})}}));
    require_round_trip(map_of({{s, plain("1")}}));
  }
}
