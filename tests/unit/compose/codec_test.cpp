#include <catch2/catch.hpp>

#include "compose/codec.hpp"
#include "compose/parse.hpp"

using namespace stack::compose;

namespace {

Service service_from(const std::string& yaml, Warnings* warnings = nullptr) {
  Node root = parse_yaml("services:\n  web:\n" + yaml, "compose.yaml");
  return decode_project(root, warnings).services.at("web");
}

}  // namespace

TEST_CASE("codec decodes ports in short and long syntax", "[codec]") {
  Service s = service_from(
      "    image: nginx\n"
      "    ports:\n"
      "      - 8080:80\n"
      "      - \"127.0.0.1:5353:53/udp\"\n"
      "      - target: 443\n"
      "        published: 8443\n"
      "        host_ip: 0.0.0.0\n");
  REQUIRE(s.ports.size() == 3);
  CHECK(s.ports[0].target == 80);
  CHECK(s.ports[0].published == "8080");
  CHECK(s.ports[1].host_ip == "127.0.0.1");
  CHECK(s.ports[1].protocol == "udp");
  CHECK(s.ports[2].target == 443);
  CHECK(s.ports[2].published == "8443");
  CHECK(s.ports[2].protocol == "tcp");
}

TEST_CASE("codec reports a bad port with file, line, column and index", "[codec]") {
  REQUIRE_THROWS_WITH(service_from("    ports:\n      - \"80\"\n      - \"80:80:80:80\"\n"),
                      Catch::StartsWith("compose.yaml:5:9: services.web.ports[1]: ") && Catch::Contains("80:80:80:80"));
}

TEST_CASE("codec decodes volumes in short and long syntax", "[codec]") {
  Service s = service_from(
      "    volumes:\n"
      "      - data:/var/lib/mysql\n"
      "      - /etc/hosts:/etc/hosts:ro\n"
      "      - type: tmpfs\n"
      "        target: /tmp\n"
      "        tmpfs:\n"
      "          size: 64m\n"
      "          mode: 01777\n");
  REQUIRE(s.volumes.size() == 3);
  CHECK(s.volumes[0].type == "volume");
  CHECK(s.volumes[0].source == "data");
  CHECK(s.volumes[1].type == "bind");
  CHECK(s.volumes[1].read_only);
  CHECK(s.volumes[2].type == "tmpfs");
  CHECK(s.volumes[2].tmpfs->size == 64 * 1024 * 1024);
  CHECK(s.volumes[2].tmpfs->mode == 01777);
}

TEST_CASE("codec takes environment, labels and sysctls as lists or maps", "[codec]") {
  Service a = service_from("    environment: [A=1, B, C=]\n    labels: [x=y, z]\n    sysctls: [net.core.somaxconn=1024]\n");
  CHECK(a.environment.at("A") == "1");
  CHECK_FALSE(a.environment.at("B").has_value());
  CHECK(a.environment.at("C") == "");
  CHECK(a.labels.at("x") == "y");
  CHECK(a.labels.at("z") == "");
  CHECK(a.sysctls.at("net.core.somaxconn") == "1024");
  Service b = service_from("    environment:\n      A: 1\n      B:\n      T: true\n");
  CHECK(b.environment.at("A") == "1");
  CHECK_FALSE(b.environment.at("B").has_value());
  CHECK(b.environment.at("T") == "true");
}

TEST_CASE("codec splits a string command like a shell and keeps a list as is", "[codec]") {
  CHECK(*service_from("    command: sh -c 'echo \"hi there\"'\n").command ==
        std::vector<std::string>{"sh", "-c", "echo \"hi there\""});
  CHECK(*service_from("    command: [\"a b\", c]\n").command == std::vector<std::string>{"a b", "c"});
  CHECK(service_from("    command: []\n").command->empty());
  CHECK_FALSE(service_from("    image: x\n").command.has_value());
}

TEST_CASE("codec decodes depends_on lists and maps with conditions", "[codec]") {
  Service a = service_from("    depends_on: [db, cache]\n");
  CHECK(a.depends_on.at("db").condition == "service_started");
  CHECK(a.depends_on.at("db").required);
  Service b = service_from(
      "    depends_on:\n      db:\n        condition: service_healthy\n        restart: true\n"
      "      init:\n        condition: service_completed_successfully\n        required: false\n");
  CHECK(b.depends_on.at("db").condition == "service_healthy");
  CHECK(b.depends_on.at("db").restart);
  CHECK_FALSE(b.depends_on.at("init").required);
  REQUIRE_THROWS_WITH(service_from("    depends_on:\n      db:\n        condition: service_ready\n"),
                      Catch::Contains("compose.yaml:5:20") && Catch::Contains("invalid condition \"service_ready\""));
}

TEST_CASE("codec decodes healthcheck durations and the string test form", "[codec]") {
  Service s = service_from(
      "    healthcheck:\n      test: curl -f http://localhost\n      interval: 1m30s\n"
      "      timeout: 10s\n      retries: 3\n      start_period: 40s\n      start_interval: 5s\n");
  REQUIRE(s.healthcheck);
  CHECK(s.healthcheck->test == std::vector<std::string>{"CMD-SHELL", "curl -f http://localhost"});
  CHECK(*s.healthcheck->interval == 90'000'000'000LL);
  CHECK(*s.healthcheck->timeout == 10'000'000'000LL);
  CHECK(*s.healthcheck->retries == 3);
  CHECK(*s.healthcheck->start_interval == 5'000'000'000LL);
}

TEST_CASE("codec decodes ulimits in single and soft/hard form", "[codec]") {
  Service s = service_from("    ulimits:\n      nproc: 65535\n      nofile:\n        soft: 20000\n        hard: 40000\n");
  CHECK(*s.ulimits.at("nproc").single == 65535);
  CHECK(s.ulimits.at("nofile").soft == 20000);
  CHECK(s.ulimits.at("nofile").hard == 40000);
  REQUIRE_THROWS_WITH(service_from("    ulimits:\n      nofile:\n        soft: 2\n        hard: 1\n"),
                      Catch::Contains("soft limit 2 is above hard limit 1"));
}

TEST_CASE("codec decodes deploy resources and replicas", "[codec]") {
  Service s = service_from(
      "    deploy:\n      replicas: 2\n      resources:\n        limits:\n          cpus: '0.5'\n          memory: 512M\n"
      "          pids: 100\n        reservations:\n          memory: 128m\n      placement:\n        constraints: [x]\n");
  REQUIRE(s.deploy);
  CHECK(*s.deploy->replicas == 2);
  CHECK(*s.deploy->limits->cpus == 0.5);
  CHECK(*s.deploy->limits->memory == 512LL * 1024 * 1024);
  CHECK(*s.deploy->limits->pids == 100);
  CHECK(*s.deploy->reservations->memory == 128LL * 1024 * 1024);
  CHECK(s.deploy->extras.count("placement"));
}

TEST_CASE("codec decodes build short and long forms", "[codec]") {
  CHECK(service_from("    build: ./app\n").build->context == "./app");
  Service s = service_from(
      "    build:\n      context: .\n      dockerfile: Dockerfile.dev\n      args:\n        - VERSION=1\n        - BARE\n"
      "      target: dev\n      tags: [a:1]\n");
  CHECK(s.build->dockerfile == "Dockerfile.dev");
  CHECK(s.build->args.at("VERSION") == "1");
  CHECK_FALSE(s.build->args.at("BARE").has_value());
  CHECK(s.build->target == "dev");
}

TEST_CASE("codec decodes networks as a list or a map with aliases and addresses", "[codec]") {
  Service a = service_from("    networks: [front, back]\n");
  CHECK(a.networks.count("front"));
  CHECK_FALSE(a.networks.at("front").has_value());
  Service b = service_from(
      "    networks:\n      back:\n        aliases: [db]\n        ipv4_address: 172.28.0.5\n        priority: 10\n      front:\n");
  CHECK(b.networks.at("back")->aliases == std::vector<std::string>{"db"});
  CHECK(b.networks.at("back")->ipv4_address == "172.28.0.5");
  CHECK(*b.networks.at("back")->priority == 10);
  CHECK_FALSE(b.networks.at("front").has_value());
}

TEST_CASE("codec decodes extra_hosts as a list or a map", "[codec]") {
  Service a = service_from("    extra_hosts:\n      - \"somehost:162.242.195.82\"\n      - \"other=::1\"\n");
  REQUIRE(a.extra_hosts.size() == 2);
  CHECK(a.extra_hosts[0] == std::pair<std::string, std::string>{"somehost", "162.242.195.82"});
  CHECK(a.extra_hosts[1] == std::pair<std::string, std::string>{"other", "::1"});
  Service b = service_from("    extra_hosts:\n      gw: host-gateway\n");
  CHECK(b.extra_hosts[0] == std::pair<std::string, std::string>{"gw", "host-gateway"});
}

TEST_CASE("codec decodes secrets and configs in short and long syntax", "[codec]") {
  Service s = service_from(
      "    secrets:\n      - db_password\n      - source: api_key\n        target: /run/key\n        mode: 0440\n");
  REQUIRE(s.secrets.size() == 2);
  CHECK(s.secrets[0].source == "db_password");
  CHECK(s.secrets[1].target == "/run/key");
  CHECK(*s.secrets[1].mode == 0440);
}

TEST_CASE("codec reads sizes and accepts interpolated booleans and numbers", "[codec]") {
  Service s = service_from("    mem_limit: 1g\n    shm_size: \"64m\"\n    privileged: \"true\"\n    cpus: \"1.5\"\n    memswap_limit: -1\n");
  CHECK(*s.mem_limit == 1024LL * 1024 * 1024);
  CHECK(*s.shm_size == 64LL * 1024 * 1024);
  CHECK(s.privileged);
  CHECK(*s.cpus == 1.5);
  CHECK(*s.memswap_limit == -1);
}

TEST_CASE("codec rejects wrong types with the key path and position", "[codec]") {
  REQUIRE_THROWS_WITH(service_from("    privileged: maybe\n"),
                      Catch::Contains("compose.yaml:3:17: services.web.privileged: must be a boolean, not \"maybe\""));
  REQUIRE_THROWS_WITH(service_from("    cap_add: NET_ADMIN\n"),
                      Catch::Contains("services.web.cap_add: must be a list, not a string"));
  REQUIRE_THROWS_WITH(service_from("    pids_limit: lots\n"),
                      Catch::Contains("services.web.pids_limit: must be an integer, not \"lots\""));
  REQUIRE_THROWS_WITH(service_from("    healthcheck: [x]\n"),
                      Catch::Contains("services.web.healthcheck: must be a mapping, not a sequence"));
}

TEST_CASE("codec rejects unknown keys at the key with a suggestion", "[codec]") {
  try {
    service_from("    image: nginx\n    imagee: x\n");
    FAIL("no error");
  } catch (const stack::Error& e) {
    CHECK(std::string(e.what()) == "compose.yaml:4:5: services.web: unknown key \"imagee\"");
    CHECK(e.hint() == "did you mean \"image\"?");
  }
  REQUIRE_THROWS_WITH(decode_project(parse_yaml("servics: {}\n", "c.yaml"), nullptr),
                      Catch::Contains("c.yaml:1:1: unknown top-level key \"servics\""));
}

TEST_CASE("codec keeps x- extensions and warns about Windows-only keys", "[codec]") {
  Warnings w;
  Service s = service_from("    image: x\n    x-custom: {a: 1}\n    isolation: hyperv\n", &w);
  CHECK(s.extensions.count("x-custom"));
  CHECK(s.extras.count("isolation"));
  REQUIRE(w.size() == 1);
  CHECK(w[0] == "services.web.isolation applies to Windows containers only and is ignored");
}

TEST_CASE("codec warns that version is obsolete", "[codec]") {
  Warnings w;
  decode_project(parse_yaml("version: '3.8'\nservices: {}\n", "c.yaml"), &w);
  REQUIRE(w.size() == 1);
  CHECK_THAT(w[0], Catch::Contains("`version` is obsolete"));
}

TEST_CASE("codec decodes top-level networks, volumes, secrets and configs", "[codec]") {
  Project p = decode_project(parse_yaml(
                                 "services: {}\n"
                                 "networks:\n  back:\n    driver: bridge\n    internal: true\n    ipam:\n      config:\n"
                                 "        - subnet: 172.28.0.0/16\n          gateway: 172.28.0.1\n  ext:\n    external: true\n"
                                 "volumes:\n  data:\n  old:\n    external:\n      name: legacy\n"
                                 "secrets:\n  pw:\n    file: ./pw.txt\n"
                                 "configs:\n  site:\n    content: hello\n",
                                 "c.yaml"),
                             nullptr);
  CHECK(p.networks.at("back").internal);
  CHECK(p.networks.at("back").ipam->config.at(0).subnet == "172.28.0.0/16");
  CHECK(p.networks.at("ext").external);
  CHECK(p.volumes.count("data"));
  CHECK(p.volumes.at("old").external);
  CHECK(p.volumes.at("old").name == "legacy");
  CHECK(p.secrets.at("pw").file == "./pw.txt");
  CHECK(p.configs.at("site").content == "hello");
  REQUIRE_THROWS_WITH(decode_project(parse_yaml("secrets:\n  pw:\n    content: x\n", "c.yaml"), nullptr),
                      Catch::Contains("secrets.pw: unknown key \"content\""));
}

TEST_CASE("codec encoding decodes back to the same project", "[codec][roundtrip]") {
  const std::string yaml =
      "name: demo\n"
      "services:\n"
      "  web:\n"
      "    image: nginx\n"
      "    command: [nginx, -g, daemon off;]\n"
      "    ports: ['8080:80', '127.0.0.1:53:53/udp']\n"
      "    volumes: ['data:/data:ro', '/h:/c:rw,z', {type: tmpfs, target: /t, tmpfs: {size: 1k, mode: 0755}}]\n"
      "    environment: {A: '1', B: null, C: 'true'}\n"
      "    labels: {x: '80'}\n"
      "    depends_on: {db: {condition: service_healthy, restart: true}}\n"
      "    healthcheck: {test: [CMD, true], interval: 90s, retries: 3}\n"
      "    ulimits: {nofile: {soft: 1, hard: 2}, nproc: 3}\n"
      "    deploy: {replicas: 2, resources: {limits: {cpus: '0.25', memory: 1g}}, placement: {constraints: [a]}}\n"
      "    extra_hosts: ['h=1.2.3.4']\n"
      "    secrets: [{source: pw, mode: 0400}]\n"
      "    x-meta: {owner: me}\n"
      "    privileged: true\n"
      "    stop_grace_period: 1m30s\n"
      "    mem_limit: 512m\n"
      "  db:\n"
      "    image: mariadb\n"
      "    build: {context: /src, args: {V: '1', W: null}}\n"
      "networks: {back: {ipam: {config: [{subnet: 10.5.0.0/24}]}}}\n"
      "volumes: {data: {labels: {a: b}}}\n"
      "secrets: {pw: {file: /pw}}\n"
      "x-top: 1\n";
  Project first = decode_project(parse_yaml(yaml, "c.yaml"), nullptr);
  Node encoded = encode_project(first);
  Project second = decode_project(encoded, nullptr);
  CHECK(first.services.at("web") == second.services.at("web"));
  CHECK(first.services.at("db") == second.services.at("db"));
  CHECK(first == second);
}
