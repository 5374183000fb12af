#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "orchestrator/labels.hpp"
#include "orchestrator/operations.hpp"
#include "orchestrator/project_resources.hpp"
#include "orchestrator/testing/fake_network_driver.hpp"
#include "unit/orchestrator/project_fixture.hpp"
#include "vol/testing/fake_mounter.hpp"

using namespace stack::orchestrator;
using stack::orchestrator::testing::project_from;

namespace {

class RecordingProgress : public Progress {
 public:
  void event(const std::string& kind, const std::string& name, const std::string& status) override {
    events.push_back(kind + " " + name + " " + status);
  }
  void warning(const std::string& text) override { warnings.push_back(text); }
  std::vector<std::string> events;
  std::vector<std::string> warnings;
};

// A context over empty stores in a temporary directory and the fake network driver.
struct Scratch {
  std::string dir;
  stack::engine::Containers containers;
  stack::engine::image::ImageStore images;
  stack::vol::VolumeStore volumes;
  testing::FakeNetworkDriver network;
  RecordingProgress progress;
  Context ctx;

  static std::string make_dir() {
    char tmpl[] = "/tmp/stack-orch-test.XXXXXX";
    return mkdtemp(tmpl);
  }
  Scratch()
      : dir(make_dir()),
        containers(stack::engine::Layout({dir + "/root", dir + "/run"})),
        images(dir + "/root/image"),
        volumes(dir + "/root/volumes", std::make_shared<stack::vol::testing::FakeMounter>()),
        ctx{containers, images, volumes, network, progress, {}} {}
  ~Scratch() { std::filesystem::remove_all(dir); }
};

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("up makes the networks and volumes its services use, labelled with the project", "[orchestrator]") {
  Scratch s;
  const stack::compose::Project p = project_from(
      "services:\n  web: {image: busybox, networks: [back], volumes: ['data:/data']}\n  other: {image: busybox}\n"
      "networks:\n  back: {internal: true}\n  unused: {}\nvolumes:\n  data: {labels: {tier: db}}\n");
  ensure_project_resources(s.ctx, p, {"web"});
  REQUIRE(s.network.networks.count("proj_back"));
  CHECK(s.network.networks.at("proj_back").internal);
  CHECK(s.network.networks.at("proj_back").labels.at(labels::kProject) == "proj");
  CHECK(s.network.networks.at("proj_back").labels.at(labels::kNetwork) == "back");
  CHECK(!s.network.networks.count("proj_unused"));
  CHECK(!s.network.networks.count("proj_default"));  // only `other` would use it
  const auto volume = s.volumes.find("proj_data");
  REQUIRE(volume);
  CHECK(volume->labels.at(labels::kProject) == "proj");
  CHECK(volume->labels.at("tier") == "db");
  CHECK(has(s.progress.events, "Network proj_back Created"));
  CHECK(has(s.progress.events, "Volume \"proj_data\" Created"));
}

TEST_CASE("a missing external network or volume is an error naming it", "[orchestrator]") {
  Scratch s;
  const stack::compose::Project net = project_from(
      "services:\n  web: {image: busybox, networks: [shared]}\nnetworks:\n  shared: {external: true, name: corp}\n");
  CHECK_THROWS_WITH(ensure_project_resources(s.ctx, net, {"web"}), Catch::Contains("network corp declared as external"));
  const stack::compose::Project vol = project_from(
      "services:\n  web: {image: busybox, volumes: ['keep:/k']}\nvolumes:\n  keep: {external: true}\n");
  CHECK_THROWS_WITH(ensure_project_resources(s.ctx, vol, {"web"}), Catch::Contains("external volume \"keep\" not found"));
}

TEST_CASE("down removes the project's networks and, with -v, its volumes but never external ones", "[orchestrator]") {
  Scratch s;
  const stack::compose::Project p = project_from(
      "services:\n  web: {image: busybox, volumes: ['data:/data', 'keep:/k']}\n"
      "volumes:\n  data: {}\n  keep: {external: true}\n");
  s.volumes.create("keep", {});
  ensure_project_resources(s.ctx, p, {"web"});
  REQUIRE(s.network.networks.count("proj_default"));
  remove_project_networks(s.ctx, p);
  CHECK(s.network.networks.empty());
  remove_project_volumes(s.ctx, p, {});
  CHECK(!s.volumes.find("proj_data"));
  CHECK(s.volumes.find("keep"));
}

TEST_CASE("down drops the bridges of the project's own networks before removing them, never an external one's", "[orchestrator]") {
  Scratch s;
  const stack::compose::Project p = project_from(
      "services:\n  web: {image: busybox, networks: [back, shared]}\n"
      "networks:\n  back: {}\n  shared: {external: true, name: corp}\n");
  s.network.ensure_network({.name = "corp"});
  ensure_project_resources(s.ctx, p, {"web"});
  down(s.ctx, p, {});
  REQUIRE(s.network.dropped_bridges.count("proj_back"));
  CHECK(s.network.dropped_bridges.at("proj_back").empty());  // the project had no container left
  CHECK_FALSE(s.network.dropped_bridges.count("corp"));
  CHECK_FALSE(s.network.networks.count("proj_back"));
  CHECK(s.network.networks.count("corp"));
}

TEST_CASE("a network's enable_ipv6 and its IPv6 pool reach the network spec", "[orchestrator]") {
  Scratch s;
  const stack::compose::Project p = project_from(
      "services:\n  web: {image: busybox, networks: {v6: {ipv6_address: 'fd12::9'}}}\n"
      "networks:\n  v6:\n    enable_ipv6: true\n    ipam:\n      config: [{subnet: 'fd12::/64'}, {subnet: 10.213.8.0/24}]\n");
  ensure_project_resources(s.ctx, p, {"web"});
  const stack::net::NetworkSpec& spec = s.network.networks.at("proj_v6");
  CHECK(spec.enable_ipv6);
  REQUIRE(spec.ipam.size() == 2);
  CHECK(spec.ipam[0].subnet == "fd12::/64");
  const stack::compose::Project off = project_from(
      "services:\n  web: {image: busybox, networks: [v4]}\nnetworks:\n  v4: {enable_ipv6: false}\n");
  ensure_project_resources(s.ctx, off, {"web"});
  CHECK_FALSE(s.network.networks.at("proj_v4").enable_ipv6);
}
