// The image store without a registry or unpacking: blobs, layer directories and
// records made by hand, then found, listed, tagged, removed and pruned.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>
#include <fstream>

#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/store.hpp"

namespace fs = std::filesystem;
using namespace stack::engine::image;

namespace {

struct TempStore {
  fs::path dir = fs::temp_directory_path() / ("store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
  ImageStore store{dir.string()};
  ~TempStore() { fs::remove_all(dir); }
  static int& counter() {
    static int n = 0;
    return n;
  }

  // A layer holding one file `name` with `content`: its blob and its directory.
  LayerRecord layer(const std::string& name, const std::string& content) {
    const std::string fake_tar = name + ":" + content;  // stands in for the archive
    const std::string digest = store.put_blob(fake_tar);
    const fs::path unpacked = fs::path(store.tmp_dir()) / ("u-" + name);
    fs::create_directories(unpacked);
    std::ofstream(unpacked / name) << content;
    store.commit_layer(unpacked.string(), digest);
    return {digest, digest, "application/vnd.oci.image.layer.v1.tar", static_cast<int64_t>(fake_tar.size()),
            static_cast<int64_t>(content.size())};
  }

  // An image of `layers` (bottom first) with a config naming them.
  ImageRecord image(const std::vector<LayerRecord>& layers, const std::string& cmd,
                    const std::vector<std::string>& refs) {
    ImageConfig config;
    config.config.cmd = {cmd};
    for (const LayerRecord& l : layers) config.diff_ids.push_back(l.diff_id);
    ImageRecord r;
    r.id = store.put_blob(serialize_image_config(config));
    r.manifest_digest = store.put_blob("manifest of " + r.id);
    r.manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
    r.layers = layers;
    store.add_image(r, refs);
    return store.find(r.id)->record;
  }
};

const ImageStore::InUseFn none = [] { return ImageStore::InUse{}; };
const std::string kBusybox = "docker.io/library/busybox:latest";
const std::string kApp = "localhost:5000/app:1";

}  // namespace

TEST_CASE("an added image is found by name, by full reference, by id and by id prefix", "[store]") {
  TempStore t;
  const ImageRecord r = t.image({t.layer("a", "1")}, "sh", {kBusybox});
  CHECK(t.store.find("busybox")->record.id == r.id);
  CHECK(t.store.find("busybox:latest")->record.id == r.id);
  CHECK(t.store.find(kBusybox)->record.id == r.id);
  CHECK(t.store.find(r.id)->record.id == r.id);
  CHECK(t.store.find(digest_hex(r.id))->record.id == r.id);
  CHECK(t.store.find(digest_hex(r.id).substr(0, 6))->record.id == r.id);
  CHECK(t.store.find("busybox")->references == std::vector<std::string>{kBusybox});
  CHECK_FALSE(t.store.find("busybox:1").has_value());
  CHECK_FALSE(t.store.find("nginx").has_value());
  CHECK(t.store.config(r).config.cmd == std::vector<std::string>{"sh"});
}

TEST_CASE("lower_dirs lists layers topmost first and a repeated layer once, at its top", "[store]") {
  TempStore t;
  LayerRecord a = t.layer("a", "1"), b = t.layer("b", "2");
  const ImageRecord r = t.image({a, b, a}, "sh", {kApp});
  CHECK(t.store.lower_dirs(r) == std::vector<std::string>{t.store.layer_dir(a.diff_id), t.store.layer_dir(b.diff_id)});
}

TEST_CASE("a tag moves to the newest image given it; the old image stays, untagged", "[store]") {
  TempStore t;
  const ImageRecord old_image = t.image({t.layer("a", "1")}, "old", {kApp});
  const ImageRecord new_image = t.image({t.layer("b", "2")}, "new", {kApp});
  CHECK(t.store.find(kApp)->record.id == new_image.id);
  CHECK(t.store.find(old_image.id)->references.empty());
  CHECK(t.store.list().size() == 2);
}

TEST_CASE("tag adds a reference to an existing image", "[store]") {
  TempStore t;
  const ImageRecord r = t.image({t.layer("a", "1")}, "sh", {kBusybox});
  t.store.tag(r.id, kApp);
  CHECK(t.store.find("localhost:5000/app:1")->record.id == r.id);
  CHECK(t.store.find(r.id)->references == std::vector<std::string>{kBusybox, kApp});
}

TEST_CASE("removing one of two tags only untags; removing the last deletes the image and its unshared layers", "[store]") {
  TempStore t;
  LayerRecord shared = t.layer("shared", "s"), own = t.layer("own", "o");
  const ImageRecord r = t.image({shared, own}, "sh", {kBusybox, kApp});
  t.image({shared}, "other", {"docker.io/library/other:latest"});

  RemovedImages first = t.store.remove("busybox", false, none);
  CHECK(first.untagged == std::vector<std::string>{kBusybox});
  CHECK(first.deleted.empty());
  CHECK(t.store.has_layer(own.diff_id));

  RemovedImages second = t.store.remove(kApp, false, none);
  CHECK(second.untagged == std::vector<std::string>{kApp});
  CHECK(second.deleted == std::vector<std::string>{r.id});
  CHECK_FALSE(t.store.has_layer(own.diff_id));
  CHECK_FALSE(t.store.has_blob(own.digest));
  CHECK_FALSE(t.store.has_blob(r.id));
  CHECK(t.store.has_layer(shared.diff_id));  // still used by "other"
  CHECK(second.reclaimed_bytes > 0);
}

TEST_CASE("an image a container uses is not removed, and nothing changes", "[store]") {
  TempStore t;
  const ImageRecord r = t.image({t.layer("a", "1")}, "sh", {kBusybox});
  const std::vector<std::pair<std::string, std::string>> in_use = {{r.id, "web-1"}};
  CHECK_THROWS_WITH(t.store.remove("busybox", false, [&] { return in_use; }),
                    "conflict: unable to remove repository reference \"" + kBusybox +
                        "\" (must force) - container web-1 is using its referenced image " + digest_hex(r.id).substr(0, 12));
  CHECK_THROWS_WITH(t.store.remove(r.id, false, [&] { return in_use; }),
                    "conflict: unable to delete " + digest_hex(r.id).substr(0, 12) +
                        " (must be forced) - image is being used by container web-1");
  CHECK(t.store.find("busybox")->record.id == r.id);

  // Forced: untagged, but kept (with its layers) while the container needs it.
  RemovedImages forced = t.store.remove("busybox", true, [&] { return in_use; });
  CHECK(forced.untagged == std::vector<std::string>{kBusybox});
  CHECK(forced.deleted.empty());
  CHECK(t.store.find(r.id).has_value());
  CHECK(t.store.has_layer(r.layers[0].diff_id));
}

TEST_CASE("removing by id an image tagged in two repositories needs force", "[store]") {
  TempStore t;
  const ImageRecord r = t.image({t.layer("a", "1")}, "sh", {kBusybox, kApp});
  CHECK_THROWS_WITH(t.store.remove(r.id, false, none), "conflict: unable to delete " + digest_hex(r.id).substr(0, 12) +
                                                         " (must be forced) - image is referenced in multiple repositories");
  RemovedImages forced = t.store.remove(r.id, true, none);
  CHECK(forced.untagged.size() == 2);
  CHECK(forced.deleted == std::vector<std::string>{r.id});
  CHECK(t.store.list().empty());
}

TEST_CASE("removing an unknown image names it", "[store]") {
  TempStore t;
  CHECK_THROWS_WITH(t.store.remove("nginx", false, none), "No such image: nginx");
}

TEST_CASE("an ambiguous id prefix is an error, not a guess", "[store]") {
  TempStore t;
  std::vector<ImageRecord> images;
  for (int i = 0; i < 40; ++i) images.push_back(t.image({t.layer("l" + std::to_string(i), "x")}, std::to_string(i), {}));
  // 40 ids over 16 first digits: two share one.
  std::string shared;
  for (size_t i = 0; i < images.size() && shared.empty(); ++i)
    for (size_t j = i + 1; j < images.size(); ++j)
      if (digest_hex(images[i].id)[0] == digest_hex(images[j].id)[0]) shared = digest_hex(images[i].id).substr(0, 1);
  REQUIRE_FALSE(shared.empty());
  CHECK_THROWS_WITH(t.store.find(shared), Catch::Contains("is ambiguous"));
}

TEST_CASE("prune deletes untagged images only, or every unused one with all", "[store]") {
  TempStore t;
  const ImageRecord tagged = t.image({t.layer("a", "1")}, "tagged", {kBusybox});
  const ImageRecord dangling = t.image({t.layer("b", "2")}, "dangling", {});
  const ImageRecord used = t.image({t.layer("c", "3")}, "used", {});
  // Leftovers of a killed command: an unpack in tmp/ and a blob no record names.
  fs::create_directories(fs::path(t.store.tmp_dir()) / "unpack-leftover");
  const std::string stray = t.store.put_blob("stray");

  RemovedImages r = t.store.prune(false, [&] { return ImageStore::InUse{{used.id, "c"}}; });
  CHECK(r.deleted == std::vector<std::string>{dangling.id});
  CHECK_FALSE(t.store.has_blob(stray));
  CHECK_FALSE(fs::exists(fs::path(t.store.tmp_dir()) / "unpack-leftover"));
  CHECK(t.store.find(used.id).has_value());

  RemovedImages all = t.store.prune(true, [&] { return ImageStore::InUse{{used.id, "c"}}; });
  CHECK(all.deleted == std::vector<std::string>{tagged.id});
  CHECK(all.untagged == std::vector<std::string>{kBusybox});
  CHECK(t.store.list().size() == 1);
}

TEST_CASE("a layer unpacked by two commands is kept once", "[store]") {
  TempStore t;
  LayerRecord a = t.layer("a", "1");
  const fs::path again = fs::path(t.store.tmp_dir()) / "second-unpack";
  fs::create_directories(again);
  std::ofstream(again / "a") << "1";
  t.store.commit_layer(again.string(), a.diff_id);
  CHECK_FALSE(fs::exists(again));
  CHECK(fs::exists(fs::path(t.store.layer_dir(a.diff_id)) / "a"));
}

TEST_CASE("prune waits for a command that holds the store to add (a container being made from an image)", "[store]") {
  TempStore t;
  const ImageRecord r = t.image({t.layer("a", "1")}, "sh", {});
  std::atomic<bool> recorded{false};
  std::optional<stack::base::FileLock> creating(t.store.lock_for_adding());
  std::thread creator([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // prune is waiting by now
    recorded = true;  // the container's record now names the image
    creating.reset();
  });
  // In use is asked only once the creator let go, so it sees the new container.
  RemovedImages pruned = t.store.prune(true, [&] {
    return recorded ? ImageStore::InUse{{r.id, "new"}} : ImageStore::InUse{};
  });
  creator.join();
  CHECK(pruned.deleted.empty());
  CHECK(t.store.find(r.id).has_value());
}
