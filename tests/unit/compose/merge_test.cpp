#include <catch2/catch.hpp>

#include "compose/merge.hpp"
#include "compose/parse.hpp"
#include "unit/compose/tree_text.hpp"

using stack::compose::merge_files;
using stack::compose::merge_service;
using stack::compose::Node;
using stack::compose::parse_yaml;
using stack::compose::strip_reset;
using stack::compose::testing::tree_text;

namespace {

Node merged(std::string_view base, std::string_view override) {
  Node tree = parse_yaml(base, "base.yaml");
  merge_files(tree, parse_yaml(override, "override.yaml"));
  return tree;
}

// Structural comparison (marks, quoting and tags ignored), printing both trees on failure.
void check_tree(const Node& actual, std::string_view expected_yaml) {
  Node expected = parse_yaml(expected_yaml, "expected.yaml");
  INFO("actual:   " << tree_text(actual));
  INFO("expected: " << tree_text(expected));
  CHECK(actual == expected);
}

const Node& service(const Node& root, const char* name = "web") { return *root.find("services")->find(name); }

}  // namespace

TEST_CASE("merge merges mappings recursively and lets override scalars win", "[merge]") {
  Node out = merged("services:\n  web:\n    image: a\n    restart: always\n    healthcheck: {interval: 5s}\n",
                    "services:\n  web:\n    image: b\n    healthcheck: {retries: 3}\n  db:\n    image: pg\n");
  check_tree(out,
             "services:\n  web: {image: b, restart: always, healthcheck: {interval: 5s, retries: 3}}\n"
             "  db: {image: pg}\n");
}

TEST_CASE("merge keeps the base value when the override value is null", "[merge]") {
  Node out = merged("services:\n  web:\n    image: a\n    environment: [A=1]\n",
                    "services:\n  web:\n    image:\n    environment:\n");
  check_tree(out, "services:\n  web: {image: a, environment: [A=1]}\n");
}

TEST_CASE("merge takes the override value when the base value is null", "[merge]") {
  Node out = merged("services:\n  web:\n    networks:\n", "services:\n  web:\n    networks: [front]\n");
  check_tree(out, "services:\n  web: {networks: [front]}\n");
}

TEST_CASE("merge appends sequences without a special rule, repeats included", "[merge]") {
  Node out = merged("services:\n  web:\n    security_opt: [a, b]\n    volumes_from: [x]\n",
                    "services:\n  web:\n    security_opt: [b, c]\n    volumes_from: [y]\n");
  check_tree(out, "services:\n  web: {security_opt: [a, b, b, c], volumes_from: [x, y]}\n");
}

TEST_CASE("merge replaces command, entrypoint and healthcheck.test instead of appending", "[merge]") {
  Node out = merged(
      "services:\n  web:\n    command: [a, b]\n    entrypoint: sh -c\n    healthcheck: {test: [CMD, a], retries: 2}\n",
      "services:\n  web:\n    command: [c]\n    entrypoint: [bash]\n    healthcheck: {test: [CMD, b]}\n");
  check_tree(out, "services:\n  web: {command: [c], entrypoint: [bash], healthcheck: {test: [CMD, b], retries: 2}}\n");
}

TEST_CASE("merge of a null command clears it, as compose replaces outright", "[merge]") {
  Node out = merged("services:\n  web:\n    command: [a]\n", "services:\n  web:\n    command:\n");
  check_tree(out, "services:\n  web: {command: null}\n");
}

TEST_CASE("merge matches ports by host ip, published, target and protocol across syntaxes", "[merge]") {
  Node out = merged(
      "services:\n  web:\n    ports:\n      - 8080:80\n      - 127.0.0.1:9000:9000\n      - 53:53/udp\n",
      "services:\n  web:\n    ports:\n"
      "      - {target: 80, published: \"8080\", protocol: tcp, host_ip: 0.0.0.0, mode: host}\n"
      "      - 9000:9000\n"
      "      - {target: 53, published: 53, protocol: UDP}\n");
  check_tree(out,
             "services:\n  web:\n    ports:\n"
             "      - {target: 80, published: \"8080\", protocol: tcp, host_ip: 0.0.0.0, mode: host}\n"
             "      - 127.0.0.1:9000:9000\n"
             "      - {target: 53, published: 53, protocol: UDP}\n"
             "      - 9000:9000\n");
}

TEST_CASE("merge reads IPv6 host addresses in short port syntax", "[merge]") {
  Node out = merged("services:\n  web:\n    ports: [\"[::1]:80:80\", \"::1:81:81\"]\n",
                    "services:\n  web:\n    ports:\n      - {host_ip: \"::1\", published: 80, target: 80}\n"
                    "      - {host_ip: \"::1\", published: 81, target: 81}\n");
  check_tree(out,
             "services:\n  web:\n    ports:\n      - {host_ip: \"::1\", published: 80, target: 80}\n"
             "      - {host_ip: \"::1\", published: 81, target: 81}\n");
}

TEST_CASE("merge matches volumes by target across short and long syntax", "[merge]") {
  Node out = merged("services:\n  web:\n    volumes: [\"./a:/data:ro\", \"cache:/cache\", /anon]\n",
                    "services:\n  web:\n    volumes:\n      - {type: bind, source: ./b, target: /data}\n"
                    "      - other:/other\n      - /anon\n");
  check_tree(out,
             "services:\n  web:\n    volumes:\n      - {type: bind, source: ./b, target: /data}\n"
             "      - cache:/cache\n      - /anon\n      - other:/other\n");
}

TEST_CASE("merge matches secrets by target, a short entry meaning /run/secrets/<name>", "[merge]") {
  Node out = merged("services:\n  web:\n    secrets: [db_pass, api_key]\n",
                    "services:\n  web:\n    secrets:\n      - {source: vault_pass, target: /run/secrets/db_pass}\n"
                    "      - {source: api_key, target: api_key, mode: 0400}\n      - extra\n");
  check_tree(out,
             "services:\n  web:\n    secrets:\n      - {source: vault_pass, target: /run/secrets/db_pass}\n"
             "      - {source: api_key, target: api_key, mode: 0400}\n      - extra\n");
}

TEST_CASE("merge matches configs by target, a short entry meaning /<name>", "[merge]") {
  Node out = merged("services:\n  web:\n    configs: [app, {source: nginx, target: /etc/nginx.conf}]\n",
                    "services:\n  web:\n    configs:\n      - {source: app2, target: /app}\n"
                    "      - {source: nginx2, target: /etc/nginx.conf}\n");
  check_tree(out,
             "services:\n  web:\n    configs:\n      - {source: app2, target: /app}\n"
             "      - {source: nginx2, target: /etc/nginx.conf}\n");
}

TEST_CASE("merge matches devices by container path", "[merge]") {
  Node out = merged("services:\n  web:\n    devices: [\"/dev/sda:/dev/xvda:rwm\", /dev/fuse]\n",
                    "services:\n  web:\n    devices: [\"/dev/sdb:/dev/xvda:r\", /dev/kvm]\n");
  check_tree(out, "services:\n  web:\n    devices: [\"/dev/sdb:/dev/xvda:r\", /dev/fuse, /dev/kvm]\n");
}

TEST_CASE("merge matches env_file entries by path, string or list on either side", "[merge]") {
  Node out = merged("services:\n  web:\n    env_file: a.env\n",
                    "services:\n  web:\n    env_file:\n      - {path: a.env, required: false}\n      - b.env\n");
  check_tree(out, "services:\n  web:\n    env_file: [{path: a.env, required: false}, b.env]\n");
}

TEST_CASE("merge matches tmpfs entries by mount point", "[merge]") {
  Node out = merged("services:\n  web:\n    tmpfs: /run\n", "services:\n  web:\n    tmpfs: [\"/run:size=64m\", /tmp]\n");
  check_tree(out, "services:\n  web:\n    tmpfs: [\"/run:size=64m\", /tmp]\n");
}

TEST_CASE("merge merges environment as a map whatever syntax each side uses", "[merge]") {
  Node out = merged("services:\n  web:\n    environment: [A=1, B=2, C]\n",
                    "services:\n  web:\n    environment: {B: 3, D: x=y}\n");
  check_tree(out, "services:\n  web:\n    environment: {A: \"1\", B: 3, C: null, D: x=y}\n");

  Node reversed = merged("services:\n  web:\n    environment: {A: 1}\n",
                         "services:\n  web:\n    environment: [A=2, E]\n");
  check_tree(reversed, "services:\n  web:\n    environment: {A: \"2\", E: null}\n");
}

TEST_CASE("merge keeps a value after '=' as a string even when it looks like a number", "[merge]") {
  Node out = merged("services:\n  web:\n    labels: {a: x}\n", "services:\n  web:\n    labels: [b=true]\n");
  const Node& b = *service(out).find("labels")->find("b");
  CHECK(b.value == "true");
  CHECK(b.style == Node::Style::Quoted);
}

TEST_CASE("merge merges the other key-value attributes as maps", "[merge]") {
  auto [key, base_yaml, expected] = GENERATE(table<const char*, const char*, const char*>({
      {"labels", "labels: [a=1, b=2]", "labels: {a: \"1\", b: 9, c: 3}"},
      {"annotations", "annotations: [a=1, b=2]", "annotations: {a: \"1\", b: 9, c: 3}"},
      {"sysctls", "sysctls: [a=1, b=2]", "sysctls: {a: \"1\", b: 9, c: 3}"},
      {"build.args", "build: {args: [a=1, b=2]}", "build: {args: {a: \"1\", b: 9, c: 3}}"},
      {"deploy.labels", "deploy: {labels: [a=1, b=2]}", "deploy: {labels: {a: \"1\", b: 9, c: 3}}"},
      {"logging.options", "logging: {options: {a: 1, b: 2}}", "logging: {options: {a: 1, b: 9, c: 3}}"},
  }));
  INFO(key);
  // The override sets b=9 and adds c=3 in mapping form, on the same path.
  std::string path = key;
  std::string over_yaml;
  if (path.find('.') == std::string::npos) {
    over_yaml = path + ": {b: 9, c: 3}";
  } else {
    over_yaml = path.substr(0, path.find('.')) + ": {" + path.substr(path.find('.') + 1) + ": {b: 9, c: 3}}";
  }
  Node out = merged(std::string("services:\n  web:\n    ") + base_yaml + "\n",
                    "services:\n  web:\n    " + over_yaml + "\n");
  check_tree(out, std::string("services:\n  web:\n    ") + expected + "\n");
}

TEST_CASE("merge removes a key-value entry tagged !reset in the override", "[merge]") {
  Node out = merged("services:\n  web:\n    environment: [A=1, B=2]\n",
                    "services:\n  web:\n    environment:\n      A: !reset\n      C: 3\n");
  check_tree(out, "services:\n  web:\n    environment: {B: \"2\", C: 3}\n");
}

TEST_CASE("merge rejects a key-value list entry that is not a string, with its position", "[merge]") {
  REQUIRE_THROWS_WITH(merged("services:\n  web:\n    environment: [A=1]\n",
                             "services:\n  web:\n    environment:\n      - {B: 2}\n"),
                      "override.yaml:4:9: services.web.environment[0]: must be a string, not a mapping");
}

TEST_CASE("merge keeps every address of extra_hosts, dropping only exact repeats", "[merge]") {
  Node out = merged("services:\n  web:\n    extra_hosts: [\"db=10.0.0.1\", \"cache:10.0.0.2\"]\n",
                    "services:\n  web:\n    extra_hosts:\n      db: 10.0.0.1\n      cache: 10.0.0.3\n"
                    "      api: [\"::1\", 10.0.0.4]\n");
  check_tree(out,
             "services:\n  web:\n    extra_hosts:\n      db: 10.0.0.1\n      cache: [10.0.0.2, 10.0.0.3]\n"
             "      api: [\"::1\", 10.0.0.4]\n");
}

TEST_CASE("merge merges depends_on by service, a listed one meaning service_started and required", "[merge]") {
  Node out = merged("services:\n  web:\n    depends_on: [db, cache]\n",
                    "services:\n  web:\n    depends_on:\n      db: {condition: service_healthy}\n"
                    "      queue: {condition: service_started}\n");
  check_tree(out,
             "services:\n  web:\n    depends_on:\n"
             "      db: {condition: service_healthy, required: true}\n"
             "      cache: {condition: service_started, required: true}\n"
             "      queue: {condition: service_started}\n");
}

TEST_CASE("merge merges service networks by name and dedupes their aliases", "[merge]") {
  Node out = merged("services:\n  web:\n    networks: [front, back]\n",
                    "services:\n  web:\n    networks:\n      front: {aliases: [a]}\n      other:\n");
  check_tree(out, "services:\n  web:\n    networks: {front: {aliases: [a]}, back: null, other: null}\n");

  Node aliases = merged("services:\n  web:\n    networks: {front: {aliases: [a, b]}}\n",
                        "services:\n  web:\n    networks: {front: {aliases: [b, c]}}\n");
  check_tree(aliases, "services:\n  web:\n    networks: {front: {aliases: [a, b, c]}}\n");
}

TEST_CASE("merge appends dns, capabilities, profiles and the like without repeats", "[merge]") {
  auto key = GENERATE("dns", "dns_search", "dns_opt", "cap_add", "cap_drop", "expose", "links", "profiles",
                      "label_file");
  INFO(key);
  std::string k = key;
  Node out = merged("services:\n  web:\n    " + k + ": [a, b]\n", "services:\n  web:\n    " + k + ": [b, c]\n");
  check_tree(out, "services:\n  web:\n    " + k + ": [a, b, c]\n");
}

TEST_CASE("merge accepts a single string where a list of dns servers is expected", "[merge]") {
  Node out = merged("services:\n  web:\n    dns: 8.8.8.8\n", "services:\n  web:\n    dns: [1.1.1.1, 8.8.8.8]\n");
  check_tree(out, "services:\n  web:\n    dns: [8.8.8.8, 1.1.1.1]\n");
}

TEST_CASE("merge merges ulimits per limit, a number and a mapping replacing each other", "[merge]") {
  Node out = merged("services:\n  web:\n    ulimits:\n      nofile: {soft: 1, hard: 2}\n      nproc: 10\n"
                    "      locks: {soft: 1, hard: 2}\n",
                    "services:\n  web:\n    ulimits:\n      nofile: {hard: 5}\n      nproc: {soft: 3}\n"
                    "      locks: 7\n      core: 0\n");
  check_tree(out,
             "services:\n  web:\n    ulimits:\n      nofile: {soft: 1, hard: 5}\n      nproc: {soft: 3}\n"
             "      locks: 7\n      core: 0\n");
}

TEST_CASE("merge replaces logging when the drivers differ and merges it when they agree", "[merge]") {
  Node differ = merged("services:\n  web:\n    logging: {driver: json-file, options: {max-size: 1m}}\n",
                       "services:\n  web:\n    logging: {driver: syslog, options: {tag: x}}\n");
  check_tree(differ, "services:\n  web:\n    logging: {driver: syslog, options: {tag: x}}\n");

  Node same = merged("services:\n  web:\n    logging: {driver: json-file, options: {max-size: 1m}}\n",
                     "services:\n  web:\n    logging: {options: {max-file: \"3\"}}\n");
  check_tree(same, "services:\n  web:\n    logging: {driver: json-file, options: {max-size: 1m, max-file: \"3\"}}\n");
}

TEST_CASE("merge treats a build string as the context of a build mapping", "[merge]") {
  Node out = merged("services:\n  web:\n    build: ./app\n",
                    "services:\n  web:\n    build: {dockerfile: Dockerfile.dev, args: [A=1]}\n");
  check_tree(out, "services:\n  web:\n    build: {context: ./app, dockerfile: Dockerfile.dev, args: [A=1]}\n");

  Node reversed = merged("services:\n  web:\n    build: {context: ., target: dev}\n", "services:\n  web:\n    build: ./other\n");
  check_tree(reversed, "services:\n  web:\n    build: {context: ./other, target: dev}\n");
}

TEST_CASE("merge merges network ipam pools by subnet", "[merge]") {
  Node out = merged("networks:\n  front:\n    ipam:\n      config:\n        - {subnet: 10.0.0.0/24, gateway: 10.0.0.1}\n"
                    "        - {subnet: 10.1.0.0/24}\n",
                    "networks:\n  front:\n    ipam:\n      config:\n        - {subnet: 10.0.0.0/24, ip_range: 10.0.0.0/25}\n"
                    "        - {subnet: 10.2.0.0/24}\n");
  check_tree(out,
             "networks:\n  front:\n    ipam:\n      config:\n"
             "        - {subnet: 10.0.0.0/24, gateway: 10.0.0.1, ip_range: 10.0.0.0/25}\n"
             "        - {subnet: 10.1.0.0/24}\n        - {subnet: 10.2.0.0/24}\n");
}

TEST_CASE("merge removes a key tagged !reset in the override", "[merge]") {
  Node out = merged("services:\n  web:\n    image: a\n    ports: [\"80:80\"]\n    build: .\n",
                    "services:\n  web:\n    ports: !reset []\n    build: !reset null\n");
  check_tree(out, "services:\n  web: {image: a}\n");
}

TEST_CASE("merge replaces the base value wholesale for a value tagged !override, dropping the tag", "[merge]") {
  Node out = merged("services:\n  web:\n    environment: {A: 1, B: 2}\n    ports: [\"80:80\"]\n",
                    "services:\n  web:\n    environment: !override {C: 3}\n    ports: !override [\"81:81\"]\n");
  check_tree(out, "services:\n  web: {environment: {C: 3}, ports: [\"81:81\"]}\n");
  CHECK(service(out).find("environment")->tag.empty());
  CHECK(service(out).find("ports")->tag.empty());
}

TEST_CASE("merge strips tags inside an override value that lands whole", "[merge]") {
  Node out = merged("services:\n  web:\n    image: a\n",
                    "services:\n  web:\n    labels: {a: !reset x, b: !override y}\n");
  check_tree(out, "services:\n  web: {image: a, labels: {b: y}}\n");
  CHECK(service(out).find("labels")->find("b")->tag.empty());
}

TEST_CASE("merge treats a base value still tagged !reset as absent", "[merge]") {
  Node out = merged("services:\n  web:\n    ports: !reset [\"80:80\"]\n", "services:\n  web:\n    ports: [\"81:81\"]\n");
  check_tree(out, "services:\n  web: {ports: [\"81:81\"]}\n");
}

TEST_CASE("strip_reset drops leftover !reset nodes and !override tags", "[merge]") {
  Node tree = parse_yaml("services:\n  web:\n    image: a\n    ports: !reset []\n    labels: !override {a: 1}\n"
                         "    dns: [!reset x, y]\n",
                         "f.yaml");
  strip_reset(tree);
  check_tree(tree, "services:\n  web: {image: a, labels: {a: 1}, dns: [y]}\n");
  CHECK(service(tree).find("labels")->tag.empty());
}

TEST_CASE("merge keeps the marks of the override nodes that win", "[merge]") {
  Node out = merged("services:\n  web:\n    image: a\n    restart: always\n",
                    "services:\n  web:\n    image: b\n    ports: [\"80:80\"]\n");
  const auto* image = service(out).find_entry("image");
  CHECK(*image->value.mark.file == "override.yaml");
  CHECK(image->value.mark.line == 3);
  CHECK(*image->key_mark.file == "override.yaml");
  CHECK(*service(out).find("restart")->mark.file == "base.yaml");
  CHECK(*service(out).find("ports")->items[0].mark.file == "override.yaml");
}

TEST_CASE("merge keeps the marks of key-value entries converted from a list", "[merge]") {
  Node out = merged("services:\n  web:\n    environment: {A: 1}\n",
                    "services:\n  web:\n    environment:\n      - B=2\n");
  const auto* b = service(out).find("environment")->find_entry("B");
  CHECK(*b->value.mark.file == "override.yaml");
  CHECK(b->value.mark.line == 4);
  CHECK(b->key_mark.line == 4);
}

TEST_CASE("merge refuses to override a mapping with a sequence, naming the override's place", "[merge]") {
  REQUIRE_THROWS_WITH(merged("services:\n  web:\n    healthcheck: {retries: 1}\n",
                             "services:\n  web:\n    healthcheck: [x]\n"),
                      "override.yaml:3:18: services.web.healthcheck: cannot override a mapping with a sequence");
}

TEST_CASE("merge_files merges top-level sections, extensions and the project name", "[merge]") {
  Node out = merged("name: one\nnetworks:\n  front: {driver: bridge}\nvolumes:\n  data:\nx-common: {a: 1}\n"
                    "include: [a.yaml]\n",
                    "name: two\nnetworks:\n  front: {labels: [a=1]}\n  back:\nvolumes:\n  data: {driver: local}\n"
                    "x-common: {b: 2}\ninclude: [b.yaml]\nsecrets:\n  s: {file: ./s.txt}\n");
  check_tree(out,
             "name: two\nnetworks:\n  front: {driver: bridge, labels: [a=1]}\n  back:\n"
             "volumes:\n  data: {driver: local}\nx-common: {a: 1, b: 2}\ninclude: [a.yaml, b.yaml]\n"
             "secrets:\n  s: {file: ./s.txt}\n");
}

TEST_CASE("merge_files into an empty file takes the override", "[merge]") {
  Node tree = parse_yaml("", "base.yaml");
  merge_files(tree, parse_yaml("services:\n  web: {image: a, ports: !reset []}\n", "override.yaml"));
  check_tree(tree, "services:\n  web: {image: a}\n");
}

TEST_CASE("merge_files rejects an override file that is not a mapping", "[merge]") {
  Node tree = parse_yaml("services: {}\n", "base.yaml");
  REQUIRE_THROWS_WITH(merge_files(tree, parse_yaml("- a\n", "override.yaml")),
                      "override.yaml:1:1: a compose file must be a mapping, not a sequence");
}

TEST_CASE("merge_service applies the service rules to one service", "[merge]") {
  Node base = parse_yaml("image: a\ncommand: [x]\nports: [\"80:80\"]\n", "base.yaml");
  Node over = parse_yaml("command: [y]\nports: [{target: 80, published: 80}]\n", "web.yaml");
  merge_service(base, over, "services.web");
  check_tree(base, "image: a\ncommand: [y]\nports: [{target: 80, published: 80}]\n");
}

TEST_CASE("merge_service names the service path in its errors", "[merge]") {
  Node base = parse_yaml("ports: [\"80:80\"]\n", "base.yaml");
  Node over = parse_yaml("ports: {a: 1}\n", "web.yaml");
  REQUIRE_THROWS_WITH(merge_service(base, over, "services.web"),
                      "web.yaml:1:8: services.web.ports: must be a string or a list, not a mapping");
}
