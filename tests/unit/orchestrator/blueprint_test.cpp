#include <catch2/catch.hpp>

#include <algorithm>

#include "orchestrator/blueprint.hpp"
#include "orchestrator/labels.hpp"
#include "unit/orchestrator/project_fixture.hpp"

using namespace stack::orchestrator;
using stack::orchestrator::testing::project_from;

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

Blueprint blueprint_of(const std::string& yaml, const std::string& service = "web", int number = 1) {
  const stack::compose::Project p = project_from(yaml);
  return make_blueprint(p, p.services.at(service), number);
}

}  // namespace

TEST_CASE("a service's container is named project-service-N and labelled for the orchestrator", "[orchestrator]") {
  const Blueprint b = blueprint_of("services:\n  web:\n    image: busybox\n    labels: {team: a}\n", "web", 2);
  CHECK(b.request.name == "proj-web-2");
  CHECK(b.request.image == "busybox");
  CHECK(b.request.labels.at(labels::kProject) == "proj");
  CHECK(b.request.labels.at(labels::kService) == "web");
  CHECK(b.request.labels.at(labels::kNumber) == "2");
  CHECK(b.request.labels.at(labels::kOneoff) == "False");
  CHECK(b.request.labels.at(labels::kWorkingDir) == "/srv/app");
  CHECK(b.request.labels.at(labels::kConfigHash).size() == 64);
  CHECK(b.request.labels.at("team") == "a");
}

TEST_CASE("container_name replaces the generated name", "[orchestrator]") {
  CHECK(blueprint_of("services:\n  web:\n    image: busybox\n    container_name: front\n").request.name == "front");
}

TEST_CASE("process settings of a service reach the engine request", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    entrypoint: [sh, -c]\n    command: [echo hi]\n"
      "    environment: {A: '1', B: null}\n    user: '1000'\n    working_dir: /w\n    init: true\n    tty: true\n"
      "    stdin_open: true\n    cap_add: [NET_ADMIN]\n    cap_drop: [MKNOD]\n    security_opt: [no-new-privileges]\n"
      "    hostname: h\n    stop_signal: SIGINT\n    stop_grace_period: 3s\n    sysctls: {net.core.somaxconn: '1024'}\n"
      "    ulimits: {nofile: {soft: 100, hard: 200}, nproc: 50}\n    devices: ['/dev/null:/dev/x:r']\n"
      "    tmpfs: [/run]\n    logging: {driver: json-file, options: {max-size: 1m, max-file: '2'}}\n");
  const auto& r = b.request;
  CHECK(b.entrypoint_given);
  CHECK(r.entrypoint == std::vector<std::string>{"sh", "-c"});
  CHECK(r.command == std::vector<std::string>{"echo hi"});
  CHECK(r.env == std::vector<std::string>{"A=1"});  // B is unset: not set at all
  CHECK(r.user == "1000");
  CHECK(r.workdir == "/w");
  CHECK(r.init);
  CHECK(r.tty);
  CHECK(r.stdin_open);
  CHECK(r.cap_add == std::vector<std::string>{"NET_ADMIN"});
  CHECK(r.cap_drop == std::vector<std::string>{"MKNOD"});
  CHECK(r.security_opt == std::vector<std::string>{"no-new-privileges"});
  CHECK(r.hostname == "h");
  CHECK(r.stop_signal == "SIGINT");
  CHECK(r.stop_timeout == 3);
  CHECK(r.sysctls.at("net.core.somaxconn") == "1024");
  CHECK(has(r.ulimits, "nofile=100:200"));
  CHECK(has(r.ulimits, "nproc=50"));
  CHECK(r.devices == std::vector<std::string>{"/dev/null:/dev/x:r"});
  CHECK(r.tmpfs == std::vector<std::string>{"/run"});
  CHECK(has(r.log_opts, "max-size=1m"));
  CHECK(has(r.log_opts, "max-file=2"));
}

TEST_CASE("resources, restart policy and healthcheck are translated", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    mem_limit: 64m\n    cpus: 0.5\n    pids_limit: 20\n"
      "    cpu_shares: 512\n    restart: on-failure:3\n"
      "    healthcheck: {test: [CMD-SHELL, 'true'], interval: 2s, timeout: 1s, retries: 4, start_period: 5s}\n");
  const auto& r = b.request;
  CHECK(r.memory == std::to_string(64 * 1024 * 1024));
  CHECK(r.cpus == "0.5");
  CHECK(r.pids_limit == 20);
  CHECK(r.cpu_shares == 512u);
  CHECK(r.restart == "on-failure:3");
  REQUIRE(r.healthcheck);
  CHECK(r.healthcheck->test == std::vector<std::string>{"CMD-SHELL", "true"});
  CHECK(r.healthcheck->interval_ms == 2000);
  CHECK(r.healthcheck->timeout_ms == 1000);
  CHECK(r.healthcheck->start_period_ms == 5000);
  CHECK(r.healthcheck->retries == 4);
}

TEST_CASE("deploy limits and restart_policy apply when the service keys are absent", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    deploy:\n      resources: {limits: {memory: 32m, cpus: '1.5'}}\n"
      "      restart_policy: {condition: on-failure, max_attempts: 2}\n");
  CHECK(b.request.memory == std::to_string(32 * 1024 * 1024));
  CHECK(b.request.cpus == "1.5");
  CHECK(b.request.restart == "on-failure:2");
}

TEST_CASE("a long-syntax bind creates its missing source only with create_host_path true", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    volumes:\n"
      "      - {type: bind, source: ./conf, target: /etc/app}\n"
      "      - {type: bind, source: ./made, target: /made, bind: {create_host_path: true}}\n");
  CHECK(b.request.volumes == std::vector<std::string>{"/srv/app/conf:/etc/app", "/srv/app/made:/made"});
  CHECK(b.create_host_paths == std::vector<std::string>{"/srv/app/made"});
}

TEST_CASE("healthcheck disable becomes the NONE test", "[orchestrator]") {
  const Blueprint b = blueprint_of("services:\n  web:\n    image: busybox\n    healthcheck: {disable: true}\n");
  REQUIRE(b.request.healthcheck);
  CHECK(b.request.healthcheck->test == std::vector<std::string>{"NONE"});
}

TEST_CASE("volumes become binds, named and anonymous volume needs, and tmpfs", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    volumes:\n      - ./data:/data:ro\n      - db:/var/lib/db\n"
      "      - /cache\n      - type: volume\n        source: db\n        target: /copy\n        volume: {nocopy: true}\n"
      "      - type: tmpfs\n        target: /t\n        tmpfs: {size: 1048576}\n"
      "volumes:\n  db: {}\n");
  CHECK(b.request.volumes == std::vector<std::string>{"/srv/app/data:/data:ro"});
  CHECK(b.create_host_paths == std::vector<std::string>{"/srv/app/data"});
  REQUIRE(b.volumes.size() == 3);
  CHECK(b.volumes[0].kind == VolumeNeed::Kind::Named);
  CHECK(b.volumes[0].name == "proj_db");
  CHECK(b.volumes[0].target == "/var/lib/db");
  CHECK(b.volumes[1].kind == VolumeNeed::Kind::Anonymous);
  CHECK(b.volumes[1].target == "/cache");
  CHECK(b.volumes[2].options == "nocopy");
  CHECK(b.request.tmpfs == std::vector<std::string>{"/t:size=1048576"});
}

TEST_CASE("volumes_from entries name their service or container", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    volumes_from: [data, 'data:ro', 'container:other']\n"
      "  data:\n    image: busybox\n");
  CHECK(b.volumes_from == std::vector<std::string>{"service:data", "service:data:ro", "container:other"});
}

TEST_CASE("networks become attachments with the service name as alias, by priority", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    networks:\n      back: {aliases: [api], ipv4_address: 10.213.5.9, ipv6_address: 'fd12::9'}\n"
      "      front: {priority: 10}\nnetworks:\n  back: {}\n  front: {}\n");
  CHECK(b.network_mode == "bridge");
  REQUIRE(b.attachments.size() == 2);
  CHECK(b.attachments[0].network == "proj_front");
  CHECK(b.attachments[0].priority == 10);
  CHECK(b.attachments[1].network == "proj_back");
  CHECK(b.attachments[1].aliases == std::vector<std::string>{"web", "api"});
  CHECK(b.attachments[1].ipv4_address == "10.213.5.9");
  CHECK(b.attachments[1].ipv6_address == "fd12::9");
}

TEST_CASE("a service without networks joins the project's default network", "[orchestrator]") {
  const Blueprint b = blueprint_of("services:\n  web:\n    image: busybox\n");
  REQUIRE(b.attachments.size() == 1);
  CHECK(b.attachments[0].network == "proj_default");
}

TEST_CASE("network_mode host, none and service are kept as the mode", "[orchestrator]") {
  CHECK(blueprint_of("services:\n  web:\n    image: busybox\n    network_mode: host\n").network_mode == "host");
  CHECK(blueprint_of("services:\n  web:\n    image: busybox\n    network_mode: none\n").network_mode == "none");
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    network_mode: service:db\n  db:\n    image: busybox\n");
  CHECK(b.network_mode == "service:db");
  CHECK(b.attachments.empty());
}

TEST_CASE("dns and extra_hosts go to the container's /etc options", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    dns: [10.213.0.1]\n    dns_search: [example.test]\n"
      "    extra_hosts: ['db.local:10.213.0.7']\n");
  CHECK(b.etc.dns == std::vector<std::string>{"10.213.0.1"});
  CHECK(b.etc.dns_search == std::vector<std::string>{"example.test"});
  CHECK(b.etc.extra_hosts == std::vector<std::string>{"db.local:10.213.0.7"});
}

TEST_CASE("ports become the firewall's port specs", "[orchestrator]") {
  const Blueprint b = blueprint_of(
      "services:\n  web:\n    image: busybox\n    ports: ['127.0.0.1:8080:80', '9000-9001:90-91/udp', '443']\n");
  REQUIRE(b.ports.size() >= 3);
  CHECK(b.ports[0].host_ip == "127.0.0.1");
  CHECK(b.ports[0].host_port == 8080);
  CHECK(b.ports[0].container_port == 80);
  CHECK(b.ports[0].protocol == "tcp");
  const auto udp = std::find_if(b.ports.begin(), b.ports.end(), [](const auto& p) { return p.protocol == "udp"; });
  REQUIRE(udp != b.ports.end());
  CHECK(udp->host_port == 9000);
  const auto random = std::find_if(b.ports.begin(), b.ports.end(), [](const auto& p) { return p.container_port == 443; });
  REQUIRE(random != b.ports.end());
  CHECK(random->host_port == 0);
}
