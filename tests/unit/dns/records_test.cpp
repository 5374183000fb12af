#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "base/error.hpp"
#include "base/files.hpp"
#include "net/dns/records.hpp"

using namespace stack::net::dns;
namespace fs = std::filesystem;

namespace {

struct TempRoot {
  fs::path path;
  TempRoot() {
    char tmpl[] = "/tmp/stack-dns-records-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempRoot() { fs::remove_all(path); }
};

NetworkEntry net1() { return {"proj_default", "10.213.7.1", "10.213.7.0/24", false}; }

ContainerEntry web(const std::string& id, const std::string& ip) {
  return {id, {"web", "proj-web-1"}, ip, "", "/nonexistent/" + id + "/state.json"};
}

}  // namespace

TEST_CASE("published records read back as written", "[dns]") {
  TempRoot root;
  publish_network(root.path, net1());
  publish_container(root.path, "proj_default", web("aaa", "10.213.7.2"));
  publish_container(root.path, "proj_default", web("bbb", "10.213.7.3"));
  std::vector<std::string> problems;
  const auto records = load_records(root.path, problems);
  CHECK(problems.empty());
  REQUIRE(records.size() == 1);
  CHECK(records[0].network == net1());
  REQUIRE(records[0].containers.size() == 2);
  CHECK(records[0].containers[0] == web("aaa", "10.213.7.2"));
  CHECK(records[0].containers[1] == web("bbb", "10.213.7.3"));
}

TEST_CASE("names are lower-cased when read", "[dns]") {
  const auto c = container_from_json(R"({"container":"x","names":["Web","DB.Local"],"ipv4":"10.0.0.2"})", "f");
  CHECK(c.names == std::vector<std::string>{"web", "db.local"});
}

TEST_CASE("removing a container or a network removes its records", "[dns]") {
  TempRoot root;
  publish_network(root.path, net1());
  publish_container(root.path, "proj_default", web("aaa", "10.213.7.2"));
  remove_container(root.path, "proj_default", "aaa");
  std::vector<std::string> problems;
  CHECK(load_records(root.path, problems)[0].containers.empty());
  remove_network(root.path, "proj_default");
  CHECK(load_records(root.path, problems).empty());
  CHECK_FALSE(fs::exists(fs::path(networks_dir(root.path)) / "proj_default"));
  CHECK_NOTHROW(remove_network(root.path, "proj_default"));
  CHECK_NOTHROW(remove_container(root.path, "proj_default", "aaa"));
}

TEST_CASE("a malformed container record is skipped and reported, the others kept", "[dns]") {
  TempRoot root;
  publish_network(root.path, net1());
  publish_container(root.path, "proj_default", web("aaa", "10.213.7.2"));
  stack::base::write_file_atomic(fs::path(networks_dir(root.path)) / "proj_default" / "bad.json", "{not json");
  std::vector<std::string> problems;
  const auto records = load_records(root.path, problems);
  REQUIRE(records.size() == 1);
  CHECK(records[0].containers.size() == 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("bad.json") != std::string::npos);
}

TEST_CASE("a network directory without network.json is ignored", "[dns]") {
  TempRoot root;
  fs::create_directories(fs::path(networks_dir(root.path)) / "half");
  std::vector<std::string> problems;
  CHECK(load_records(root.path, problems).empty());
  CHECK(problems.empty());
}

TEST_CASE("invalid records are refused by the writers with the object named", "[dns]") {
  TempRoot root;
  CHECK_THROWS_WITH(publish_network(root.path, {"../x", "10.0.0.1", "10.0.0.0/24", false}),
                    Catch::Contains("invalid network name \"../x\""));
  CHECK_THROWS_WITH(publish_network(root.path, {"n", "10.0.0.300", "10.0.0.0/24", false}),
                    Catch::Contains("network n: invalid gateway address"));
  CHECK_THROWS_WITH(publish_network(root.path, {"n", "10.0.1.1", "10.0.0.0/24", false}),
                    Catch::Contains("outside its subnet"));
  publish_network(root.path, net1());
  auto bad = web("aaa", "10.213.7.2");
  bad.names.push_back("not a name");
  CHECK_THROWS_WITH(publish_container(root.path, "proj_default", bad),
                    Catch::Contains("container aaa on network proj_default: \"not a name\" is not a valid DNS name"));
  CHECK_THROWS_WITH(publish_container(root.path, "other", web("aaa", "10.213.7.2")),
                    Catch::Contains("the network has no DNS record"));
}

TEST_CASE("a container is live only while its state says running or paused", "[dns]") {
  TempRoot root;
  const std::string state = (root.path / "state.json").string();
  CHECK_FALSE(container_is_live(state));
  for (const auto& [status, live] : std::vector<std::pair<std::string, bool>>{
           {"running", true}, {"paused", true}, {"exited", false}, {"created", false}, {"restarting", false}}) {
    stack::base::write_file_atomic(state, R"({"id":"x","status":")" + status + "\"}");
    CHECK(container_is_live(state) == live);
  }
  stack::base::write_file_atomic(state, "garbage");
  CHECK_FALSE(container_is_live(state));
}
