// The registry client against a real registry (Distribution 2.8 on 127.0.0.1) and, for
// Bearer tokens and redirects, a fake one (fake_token_registry.py). Nothing leaves loopback.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "base/error.hpp"
#include "base/files.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/oci.hpp"
#include "engine/image/registry_client.hpp"
#include "support/fake_token_registry.hpp"
#include "support/registry_server.hpp"

using namespace stack::engine::image;
using stack::testing::FakeTokenRegistry;
using stack::testing::RegistryServer;

namespace {

namespace fs = std::filesystem;

class Scratch {
 public:
  Scratch() {
    std::string pattern = (fs::temp_directory_path() / "stack-registry-test-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~Scratch() { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

struct Blob {
  std::string path;
  std::string content;
  std::string digest;
};

Blob make_blob(const Scratch& scratch, const std::string& name, size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string content(size, '\0');
  for (auto& c : content) c = static_cast<char>(random());
  const std::string path = scratch.path(name);
  std::ofstream(path, std::ios::binary) << content;
  return {path, content, sha256_digest(content)};
}

std::string slurp(const std::string& path) { return stack::base::read_file(path); }

// No credentials unless the test gives some: never the user's own docker login.
ClientOptions options(std::optional<Credentials> credentials = std::nullopt, RegistryConfig config = {}) {
  ClientOptions o;
  o.config = std::move(config);
  o.credentials = [credentials](std::string_view) { return credentials; };
  return o;
}

std::string manifest_json(std::string_view type, std::string_view config_type, std::string_view layer_type,
                          const Blob& config, const Blob& layer) {
  auto descriptor = [](std::string_view media, const Blob& b) {
    return R"({"mediaType":")" + std::string(media) + R"(","size":)" + std::to_string(b.content.size()) +
           R"(,"digest":")" + b.digest + R"("})";
  };
  return R"({"schemaVersion":2,"mediaType":")" + std::string(type) + R"(","config":)" +
         descriptor(config_type, config) + R"(,"layers":[)" + descriptor(layer_type, layer) + "]}";
}

// Pushes a config and a layer to `client` and a schema2 manifest of them under `tag`.
std::string push_image(RegistryClient& client, const Scratch& scratch, const std::string& tag, Blob* layer_out = nullptr) {
  Blob config = make_blob(scratch, "config-" + tag, 0, 1);
  std::ofstream(config.path) << R"({"architecture":"amd64","os":"linux"})";
  config.content = slurp(config.path);
  config.digest = sha256_digest(config.content);
  Blob layer = make_blob(scratch, "layer-" + tag, 5000, 2);
  client.push_blob(config.digest, config.path, config.content.size());
  client.push_blob(layer.digest, layer.path, layer.content.size());
  if (layer_out) *layer_out = layer;
  return client.put_manifest(tag, std::string(media_type::kDockerManifest),
                             manifest_json(media_type::kDockerManifest, media_type::kDockerConfig,
                                           media_type::kDockerLayerGzip, config, layer));
}

}  // namespace

TEST_CASE("a blob pushed in one piece can be found and fetched back", "[registry]") {
  RegistryServer registry;
  Scratch scratch;
  RegistryClient client(registry.host(), "app", options());
  Blob blob = make_blob(scratch, "blob", 300000, 7);
  CHECK_FALSE(client.has_blob(blob.digest));
  uint64_t last = 0;
  client.push_blob(blob.digest, blob.path, blob.content.size(), {}, [&](uint64_t done, uint64_t) { last = done; });
  CHECK(last == blob.content.size());
  CHECK(client.has_blob(blob.digest));
  CHECK_FALSE(client.has_blob(sha256_digest("something else")));
  client.get_blob(blob.digest, scratch.path("fetched"));
  CHECK(slurp(scratch.path("fetched")) == blob.content);
}

TEST_CASE("a blob pushed in small chunks arrives whole", "[registry]") {
  RegistryServer registry;
  Scratch scratch;
  RegistryClient client(registry.host(), "app", options());
  Blob blob = make_blob(scratch, "blob", 10500, 8);
  std::vector<uint64_t> progress;
  client.push_blob(blob.digest, blob.path, blob.content.size(), {},
                   [&](uint64_t done, uint64_t total) {
                     CHECK(total == 10500);
                     progress.push_back(done);
                   },
                   1000);
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back() == 10500);
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(client.has_blob(blob.digest));
  client.get_blob(blob.digest, scratch.path("fetched"));
  CHECK(slurp(scratch.path("fetched")) == blob.content);
}

TEST_CASE("a blob is mounted from another repository without being uploaded", "[registry]") {
  RegistryServer registry;
  Scratch scratch;
  Blob blob = make_blob(scratch, "blob", 4096, 9);
  RegistryClient source(registry.host(), "team/source", options());
  source.push_blob(blob.digest, blob.path, blob.content.size());
  RegistryClient target(registry.host(), "team/target", options());
  CHECK_FALSE(target.has_blob(blob.digest));
  // The file does not exist: only a mount can succeed.
  target.push_blob(blob.digest, scratch.path("missing"), blob.content.size(), "team/source");
  CHECK(target.has_blob(blob.digest));
}

TEST_CASE("a manifest put by tag comes back by tag and by digest with the same digest", "[registry]") {
  RegistryServer registry;
  Scratch scratch;
  RegistryClient client(registry.host(), "app", options());
  Blob config = make_blob(scratch, "config", 100, 10);
  Blob layer = make_blob(scratch, "layer", 2000, 11);
  client.push_blob(config.digest, config.path, config.content.size());
  client.push_blob(layer.digest, layer.path, layer.content.size());

  struct Case {
    std::string_view type, config_type, layer_type;
  };
  for (Case c : {Case{media_type::kDockerManifest, media_type::kDockerConfig, media_type::kDockerLayerGzip},
                 Case{media_type::kOciManifest, media_type::kOciConfig, media_type::kOciLayerGzip}}) {
    const std::string body = manifest_json(c.type, c.config_type, c.layer_type, config, layer);
    const std::string tag = c.type == media_type::kOciManifest ? "oci" : "schema2";
    const std::string digest = client.put_manifest(tag, std::string(c.type), body);
    CHECK(digest == sha256_digest(body));
    FetchedManifest by_tag = client.get_manifest(tag);
    CHECK(by_tag.media_type == c.type);
    CHECK(by_tag.digest == digest);
    CHECK(by_tag.body == body);
    FetchedManifest by_digest = client.get_manifest(digest);
    CHECK(by_digest.digest == digest);
    CHECK(by_digest.body == body);
    CHECK(by_digest.media_type == c.type);
  }
}

TEST_CASE("an unknown tag is an error naming the repository and the tag", "[registry]") {
  RegistryServer registry;
  RegistryClient client(registry.host(), "app", options());
  CHECK_THROWS_WITH(client.get_manifest("nope"), registry.host() + "/app: manifest unknown: tag \"nope\" not found");
}

TEST_CASE("an unreachable registry is an error naming it", "[registry]") {
  const int port = stack::testing::free_loopback_port();
  RegistryClient client("127.0.0.1:" + std::to_string(port), "app", options());
  CHECK_THROWS_WITH(client.get_manifest("latest"), Catch::StartsWith("cannot reach 127.0.0.1:" + std::to_string(port) + ": "));
}

TEST_CASE("an interrupted download resumes after the bytes already there", "[registry]") {
  RegistryServer registry;
  Scratch scratch;
  RegistryClient client(registry.host(), "app", options());
  Blob blob = make_blob(scratch, "blob", 1 << 20, 12);
  client.push_blob(blob.digest, blob.path, blob.content.size());
  const std::string dest = scratch.path("partial");
  const size_t half = blob.content.size() / 2;
  std::ofstream(dest, std::ios::binary) << blob.content.substr(0, half);
  std::vector<uint64_t> progress;
  client.get_blob(blob.digest, dest, [&](uint64_t done, uint64_t total) {
    CHECK(total == blob.content.size());
    progress.push_back(done);
  });
  REQUIRE_FALSE(progress.empty());
  // Every report counts from the half already there: the first half was not fetched again.
  CHECK(*std::min_element(progress.begin(), progress.end()) > half);
  CHECK(progress.back() == blob.content.size());
  CHECK(slurp(dest) == blob.content);
}

TEST_CASE("a blob that is already complete is verified without being fetched", "[registry]") {
  RegistryServer registry;
  Scratch scratch;
  RegistryClient client(registry.host(), "app", options());
  Blob blob = make_blob(scratch, "blob", 3000, 13);
  client.push_blob(blob.digest, blob.path, blob.content.size());
  const std::string dest = scratch.path("complete");
  fs::copy_file(blob.path, dest);
  int reports = 0;
  client.get_blob(blob.digest, dest, [&](uint64_t, uint64_t) { ++reports; });
  CHECK(reports == 0);
  CHECK(slurp(dest) == blob.content);
}

TEST_CASE("a corrupted blob is a digest mismatch and leaves no file", "[registry]") {
  RegistryServer registry;
  Scratch scratch;
  RegistryClient client(registry.host(), "app", options());
  Blob blob = make_blob(scratch, "blob", 8000, 14);
  client.push_blob(blob.digest, blob.path, blob.content.size());
  const std::string data = registry.blob_data_path(blob.digest);
  REQUIRE(fs::file_size(data) == blob.content.size());
  std::ofstream(data, std::ios::binary | std::ios::trunc) << std::string(blob.content.size(), 'x');
  const std::string dest = scratch.path("fetched");
  CHECK_THROWS_WITH(client.get_blob(blob.digest, dest), registry.host() + "/app: blob " + blob.digest + ": digest mismatch");
  CHECK_FALSE(fs::exists(dest));
}

TEST_CASE("a registry with htpasswd refuses anonymous pushes and accepts its user", "[registry]") {
  RegistryServer registry({"alice", "wonderland"});
  Scratch scratch;
  Blob blob = make_blob(scratch, "blob", 2048, 15);

  RegistryClient anonymous(registry.host(), "app", options());
  CHECK_THROWS_WITH(anonymous.push_blob(blob.digest, blob.path, blob.content.size()),
                    "unauthorized: authentication required for " + registry.host());
  CHECK_THROWS_WITH(anonymous.check_login(), Catch::StartsWith("unauthorized"));

  RegistryClient wrong(registry.host(), "app", options(Credentials{"alice", "looking-glass"}));
  CHECK_THROWS_WITH(wrong.check_login(), Catch::StartsWith("unauthorized: authentication required for " + registry.host()));
  CHECK_THROWS_WITH(wrong.has_blob(blob.digest), Catch::StartsWith("unauthorized"));

  RegistryClient user(registry.host(), "app", options(Credentials{"alice", "wonderland"}));
  user.check_login();
  user.push_blob(blob.digest, blob.path, blob.content.size(), {}, {}, 1000);
  CHECK(user.has_blob(blob.digest));
  user.get_blob(blob.digest, scratch.path("fetched"));
  CHECK(slurp(scratch.path("fetched")) == blob.content);
  const std::string digest = push_image(user, scratch, "v1");
  CHECK(user.get_manifest("v1").digest == digest);
}

TEST_CASE("docker.io pulls skip a dead mirror and use the next one, blobs included", "[registry]") {
  RegistryServer mirror;
  Scratch scratch;
  RegistryClient upstream(mirror.host(), "library/busybox", options());
  Blob layer;
  const std::string digest = push_image(upstream, scratch, "latest", &layer);
  // Guard: the docker.io client below must find everything on the mirror, or it would
  // go on to registry-1.docker.io.
  REQUIRE(upstream.get_manifest("latest").digest == digest);
  REQUIRE(upstream.has_blob(layer.digest));

  const std::string dead = "http://127.0.0.1:" + std::to_string(stack::testing::free_loopback_port());
  RegistryConfig config{{dead, "http://" + mirror.host()}, {}};
  RegistryClient client("docker.io", "library/busybox", options(std::nullopt, config));
  FetchedManifest manifest = client.get_manifest("latest");
  CHECK(manifest.digest == digest);
  CHECK(manifest.media_type == media_type::kDockerManifest);
  client.get_blob(layer.digest, scratch.path("layer"));
  CHECK(slurp(scratch.path("layer")) == layer.content);
}

TEST_CASE("a bearer token is fetched with the credentials once and reused", "[registry]") {
  FakeTokenRegistry fake("bob", "builder");
  RegistryClient client(fake.host(), "x/y", options(Credentials{"bob", "builder"}));
  FetchedManifest first = client.get_manifest("latest");
  FetchedManifest second = client.get_manifest("latest");
  CHECK(first.media_type == media_type::kOciManifest);
  CHECK(second.digest == first.digest);
  auto stats = fake.stats();
  CHECK(stats["token_requests"] == 1);
  CHECK(stats["scopes"] == nlohmann::json::array({"repository:x/y:pull"}));
  client.check_login();
}

TEST_CASE("bad credentials for a token server are unauthorized with its message", "[registry]") {
  FakeTokenRegistry fake("bob", "builder");
  RegistryClient client(fake.host(), "x/y", options(Credentials{"bob", "wrong"}));
  CHECK_THROWS_WITH(client.get_manifest("latest"),
                    "unauthorized: authentication required for " + fake.host() + " (incorrect username or password)");
  CHECK_THROWS_WITH(client.check_login(), Catch::StartsWith("unauthorized"));
  CHECK(fake.stats()["token_requests"] == 0);
}

TEST_CASE("a blob redirected to another origin is fetched without the Authorization header", "[registry]") {
  FakeTokenRegistry fake("", "");
  Scratch scratch;
  RegistryClient client(fake.host(), "x/y", options());
  const std::string content = FakeTokenRegistry::blob_content();
  client.get_blob(sha256_digest(content), scratch.path("blob"));
  CHECK(slurp(scratch.path("blob")) == content);
  auto stats = fake.stats();
  CHECK(stats["token_requests"] == 1);  // the registry itself wanted the token
  CHECK(stats["storage_authorization"] == "");
}
