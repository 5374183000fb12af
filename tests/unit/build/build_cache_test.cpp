#include <catch2/catch.hpp>

#include <filesystem>

#include "engine/build/build_cache.hpp"
#include "engine/image/digest.hpp"
#include "unit/image/scratch.hpp"

using stack::engine::build::BuildCache;
using stack::engine::build::CachedStep;
using stack::engine::image::ImageStore;
using stack::engine::image::LayerRecord;
using stack::testing::TempDir;

TEST_CASE("build cache keys chain the parent and the step", "[build][cache]") {
  const std::string a = BuildCache::key("", "sha256:base");
  CHECK(a.rfind("sha256:", 0) == 0);
  CHECK(BuildCache::key(a, "RUN make") == BuildCache::key(a, "RUN make"));
  CHECK(BuildCache::key(a, "RUN make") != BuildCache::key(a, "RUN make install"));
  CHECK(BuildCache::key(a, "RUN make") != BuildCache::key(BuildCache::key("", "sha256:other"), "RUN make"));
}

TEST_CASE("a cached step without a layer keeps its creation time", "[build][cache]") {
  TempDir tmp;
  ImageStore store(tmp / "image");
  BuildCache cache(store);
  const std::string key = BuildCache::key("", "ENV A=1");
  CHECK_FALSE(cache.find(key));
  cache.put(key, CachedStep{"2026-12-04T19:00:00Z", std::nullopt});
  const auto found = cache.find(key);
  REQUIRE(found);
  CHECK(found->created == "2026-12-04T19:00:00Z");
  CHECK_FALSE(found->layer);
}

TEST_CASE("a cached step whose layer left the store is a miss", "[build][cache]") {
  TempDir tmp;
  ImageStore store(tmp / "image");
  BuildCache cache(store);
  const std::string diff_id = stack::engine::image::sha256_digest("layer");
  const LayerRecord layer{diff_id, diff_id, "application/vnd.oci.image.layer.v1.tar", 10, 5};
  const std::string key = BuildCache::key("", "RUN true");
  cache.put(key, CachedStep{"2026-12-04T19:00:00Z", layer});
  CHECK_FALSE(cache.find(key));  // neither blob nor layer directory exists

  std::filesystem::create_directories(store.layer_dir(diff_id));
  tmp.write("blob", "layer");
  store.commit_blob(tmp / "blob", diff_id);
  const auto found = cache.find(key);
  REQUIRE(found);
  CHECK(found->layer == layer);
}

TEST_CASE("a cache record cut short is a miss", "[build][cache]") {
  TempDir tmp;
  ImageStore store(tmp / "image");
  BuildCache cache(store);
  const std::string key = BuildCache::key("", "RUN x");
  tmp.write("image/build-cache/" + stack::engine::image::digest_hex(key) + ".json", "{\"created\": \"20");
  CHECK_FALSE(cache.find(key));
}
