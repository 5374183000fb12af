#include <archive_entry.h>
#include <fcntl.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/archive.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/layer_unpack.hpp"
#include "engine/image/oci.hpp"
#include "image/image_fixture.hpp"
#include "image/tar_builder.hpp"
#include "support/busybox_rootfs.hpp"

using namespace stack::engine::image;
using stack::UniqueFd;
using stack::testing::add_test_image;
using stack::testing::BusyboxRootfs;
using stack::testing::Compression;
using stack::testing::ReadEntry;
using stack::testing::TarBuilder;
using stack::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void write_file(const std::string& path, const std::string& content) { stack::base::write_file_atomic(path, content); }

// Two stores and two layers: a busybox root (plain tar) and a small gzip layer with a whiteout.
struct Fixture {
  TempDir tmp;
  ImageStore source{tmp / "source"};
  ImageStore target{tmp / "target"};
  std::string base_tar = tmp / "base.tar";
  std::string app_tar = tmp / "app.tar.gz";
  std::string archive = tmp / "images.tar";

  Fixture() {
    BusyboxRootfs rootfs;
    stack::testing::write_tree_tar(base_tar, rootfs.dir());
    write_file(app_tar, TarBuilder()
                            .dir("app/")
                            .file("app/run.sh", "#!/bin/sh\necho hello\n", 0755)
                            .symlink("app/sh", "../bin/busybox")
                            .dir("etc/")
                            .file("etc/.wh.group", "")
                            .build(Compression::Gzip));
  }
};

void save_to(const ImageStore& store, const std::vector<std::string>& names, const std::string& path) {
  stack::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  REQUIRE(fd);
  save_images(store, names, fd.get());
}

std::vector<LoadedImage> load_from(const ImageStore& store, const std::string& path) {
  stack::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(fd);
  return load_images(store, fd.get());
}

std::string blob_entry(const std::string& digest) { return "blobs/sha256/" + digest_hex(digest); }

const ReadEntry& entry_named(const std::vector<ReadEntry>& entries, const std::string& name) {
  for (const ReadEntry& e : entries) {
    if (e.name == name) return e;
  }
  FAIL("the archive has no entry " << name);
  throw;
}

size_t count_named(const std::vector<ReadEntry>& entries, const std::string& name) {
  return static_cast<size_t>(std::count_if(entries.begin(), entries.end(), [&](const ReadEntry& e) { return e.name == name; }));
}

// No temporary directory of a load is left in the store.
bool no_load_leftovers(const ImageStore& store) {
  for (const std::string& name : stack::testing::dir_names(store.dir() + "/tmp")) {
    if (name.rfind("load-", 0) == 0) return false;
  }
  return true;
}

// The same entries, written again (compressed, changed or some left out by `change`,
// which returns false to drop an entry).
void rewrite(const std::string& from, const std::string& to, Compression compression,
             const std::function<bool(ReadEntry&)>& change = [](ReadEntry&) { return true; }) {
  TarBuilder tar;
  for (ReadEntry& e : stack::testing::read_tar(from)) {
    if (!change(e)) continue;
    if (e.type == AE_IFDIR) tar.dir(e.name);
    if (e.type == AE_IFREG) tar.file(e.name, e.content);
  }
  write_file(to, tar.build(compression));
}

// Every image of a store with its references.
std::vector<std::pair<ImageRecord, std::vector<std::string>>> images_of(const ImageStore& store) {
  std::vector<std::pair<ImageRecord, std::vector<std::string>>> out;
  for (const ImageEntry& e : store.list()) out.emplace_back(e.record, e.references);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("save then load into an empty store gives the same image, manifest, layers, references and files",
          "[archive]") {
  Fixture f;
  const ImageRecord saved = add_test_image(f.source, {f.base_tar, f.app_tar},
                                           {"docker.io/library/busybox:latest", "localhost:5000/app:1"});
  save_to(f.source, {"busybox", "localhost:5000/app:1"}, f.archive);

  const std::vector<LoadedImage> loaded = load_from(f.target, f.archive);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].id == saved.id);
  CHECK(loaded[0].references == std::vector<std::string>{"docker.io/library/busybox:latest", "localhost:5000/app:1"});

  const auto entry = f.target.find("busybox");
  REQUIRE(entry);
  CHECK(entry->record.id == saved.id);
  CHECK(entry->record.manifest_digest == saved.manifest_digest);
  CHECK(entry->record.manifest_media_type == saved.manifest_media_type);
  CHECK(entry->record.layers == saved.layers);
  CHECK(entry->references == f.source.find("busybox")->references);
  CHECK(f.target.read_blob(saved.manifest_digest) == f.source.read_blob(saved.manifest_digest));
  CHECK(f.target.read_blob(saved.id) == f.source.read_blob(saved.id));
  for (const LayerRecord& layer : saved.layers) {
    INFO(layer.diff_id);
    CHECK(sha256_file_digest(f.target.blob_path(layer.digest)) == layer.digest);
    CHECK(stack::testing::tree_listing(f.target.layer_dir(layer.diff_id)) ==
          stack::testing::tree_listing(f.source.layer_dir(layer.diff_id)));
  }
  CHECK(fs::is_regular_file(f.target.layer_dir(saved.layers[0].diff_id) + "/bin/busybox"));
  CHECK(no_load_leftovers(f.target));
}

TEST_CASE("save writes docker's layout: oci-layout, blobs, an annotated index.json and manifest.json", "[archive]") {
  Fixture f;
  const ImageRecord saved = add_test_image(f.source, {f.base_tar, f.app_tar},
                                           {"docker.io/library/busybox:latest", "localhost:5000/app:1"});
  save_to(f.source, {"busybox", "localhost:5000/app:1", "busybox"}, f.archive);
  const std::vector<ReadEntry> entries = stack::testing::read_tar(f.archive);

  std::vector<std::string> names;
  for (const ReadEntry& e : entries) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"oci-layout", "blobs/", "blobs/sha256/", blob_entry(saved.manifest_digest),
                                          blob_entry(saved.id), blob_entry(saved.layers[0].digest),
                                          blob_entry(saved.layers[1].digest), "index.json", "manifest.json"});
  CHECK(entry_named(entries, "blobs/").type == AE_IFDIR);
  CHECK(json::parse(entry_named(entries, "oci-layout").content) == json{{"imageLayoutVersion", "1.0.0"}});

  const json index = json::parse(entry_named(entries, "index.json").content);
  CHECK(index["schemaVersion"] == 2);
  CHECK(index["mediaType"] == media_type::kOciIndex);
  REQUIRE(index["manifests"].size() == 2);
  const json& first = index["manifests"][0];
  CHECK(first["mediaType"] == media_type::kOciManifest);
  CHECK(first["digest"] == saved.manifest_digest);
  CHECK(first["size"] == f.source.read_blob(saved.manifest_digest).size());
  CHECK(first["annotations"] == json{{"io.containerd.image.name", "docker.io/library/busybox:latest"},
                                     {"org.opencontainers.image.ref.name", "latest"}});
  CHECK(index["manifests"][1]["annotations"] == json{{"io.containerd.image.name", "localhost:5000/app:1"},
                                                     {"org.opencontainers.image.ref.name", "1"}});

  const json manifest = json::parse(entry_named(entries, "manifest.json").content);
  CHECK(manifest == json::array({{{"Config", blob_entry(saved.id)},
                                  {"RepoTags", {"busybox:latest", "localhost:5000/app:1"}},
                                  {"Layers", {blob_entry(saved.layers[0].digest), blob_entry(saved.layers[1].digest)}}}}));
}

TEST_CASE("images sharing a layer are saved with that layer once and load sharing it", "[archive]") {
  Fixture f;
  const ImageRecord base = add_test_image(f.source, {f.base_tar}, {"docker.io/library/base:1"}, "base");
  const ImageRecord app = add_test_image(f.source, {f.base_tar, f.app_tar}, {"docker.io/library/app:1"}, "app");
  REQUIRE(base.layers[0] == app.layers[0]);
  save_to(f.source, {"base:1", "app:1"}, f.archive);

  const std::vector<ReadEntry> entries = stack::testing::read_tar(f.archive);
  CHECK(count_named(entries, blob_entry(base.layers[0].digest)) == 1);
  CHECK(count_named(entries, blob_entry(app.layers[1].digest)) == 1);
  CHECK(json::parse(entry_named(entries, "manifest.json").content).size() == 2);

  const std::vector<LoadedImage> loaded = load_from(f.target, f.archive);
  REQUIRE(loaded.size() == 2);
  CHECK(loaded[0].id == base.id);
  CHECK(loaded[1].id == app.id);
  CHECK(f.target.find("app:1")->record.layers == app.layers);
  CHECK(stack::testing::dir_names(f.target.dir() + "/layers") ==
        sorted({digest_hex(app.layers[0].diff_id), digest_hex(app.layers[1].diff_id)}));
}

TEST_CASE("an image saved by an id prefix is saved without a name and loads without references", "[archive]") {
  Fixture f;
  const ImageRecord saved = add_test_image(f.source, {f.app_tar}, {"docker.io/library/app:1"});
  save_to(f.source, {digest_hex(saved.id).substr(0, 12)}, f.archive);

  const std::vector<ReadEntry> entries = stack::testing::read_tar(f.archive);
  const json index = json::parse(entry_named(entries, "index.json").content);
  REQUIRE(index["manifests"].size() == 1);
  CHECK_FALSE(index["manifests"][0].contains("annotations"));
  CHECK(json::parse(entry_named(entries, "manifest.json").content)[0]["RepoTags"] == json::array());

  const std::vector<LoadedImage> loaded = load_from(f.target, f.archive);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].id == saved.id);
  CHECK(loaded[0].references.empty());
  REQUIRE(f.target.find(saved.id));
  CHECK(f.target.find(saved.id)->references.empty());
  CHECK_FALSE(f.target.find("app:1"));
}

TEST_CASE("an archive without manifest.json loads from index.json with the names of its annotations", "[archive]") {
  Fixture f;
  const ImageRecord saved = add_test_image(f.source, {f.base_tar, f.app_tar}, {"localhost:5000/app:1"});
  save_to(f.source, {"localhost:5000/app:1"}, f.archive);
  const std::string oci = f.tmp / "oci.tar";
  rewrite(f.archive, oci, Compression::None, [](ReadEntry& e) { return e.name != "manifest.json"; });

  const std::vector<LoadedImage> loaded = load_from(f.target, oci);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].id == saved.id);
  CHECK(loaded[0].references == std::vector<std::string>{"localhost:5000/app:1"});
  CHECK(f.target.find("localhost:5000/app:1")->record.manifest_digest == saved.manifest_digest);
  CHECK(f.target.find("localhost:5000/app:1")->record.layers == saved.layers);
}

TEST_CASE("an old docker archive, a layer.tar symlinked to another image's, loads both images", "[archive]") {
  Fixture f;
  const std::string base_tar = stack::base::read_file(f.base_tar);
  const std::string app_tar = TarBuilder().dir("app/").file("app/data", "data\n").build();
  const std::string base_id = sha256_digest(base_tar), app_id = sha256_digest(app_tar);
  ImageConfig config_a, config_b;
  config_a.diff_ids = {base_id};
  config_b.diff_ids = {base_id, app_id};
  config_b.config.cmd = {"/app/data"};
  const std::string json_a = serialize_image_config(config_a), json_b = serialize_image_config(config_b);
  const std::string id_a = digest_hex(sha256_digest(json_a)), id_b = digest_hex(sha256_digest(json_b));
  // v1 layer ids: any 64 hex digits, one directory per layer per image.
  const std::string v1_a = digest_hex(sha256_digest("a")), v1_b = digest_hex(sha256_digest("b")),
                    v1_c = digest_hex(sha256_digest("c"));
  const json manifest = json::array({{{"Config", id_a + ".json"}, {"RepoTags", {"old:a"}}, {"Layers", {v1_a + "/layer.tar"}}},
                                     {{"Config", id_b + ".json"},
                                      {"RepoTags", {"old:b"}},
                                      {"Layers", {v1_b + "/layer.tar", v1_c + "/layer.tar"}}}});
  write_file(f.archive, TarBuilder()
                            .dir(v1_a + "/")
                            .file(v1_a + "/VERSION", "1.0")
                            .file(v1_a + "/json", "{}")
                            .file(v1_a + "/layer.tar", base_tar)
                            .dir(v1_b + "/")
                            .symlink(v1_b + "/layer.tar", "../" + v1_a + "/layer.tar")
                            .dir(v1_c + "/")
                            .file(v1_c + "/layer.tar", app_tar)
                            .file(id_a + ".json", json_a)
                            .file(id_b + ".json", json_b)
                            .file("manifest.json", manifest.dump())
                            .file("repositories", R"({"old":{"a":")" + v1_a + R"("}})")
                            .build());

  const std::vector<LoadedImage> loaded = load_from(f.target, f.archive);
  REQUIRE(loaded.size() == 2);
  CHECK(loaded[0].id == "sha256:" + id_a);
  CHECK(loaded[0].references == std::vector<std::string>{"docker.io/library/old:a"});
  CHECK(loaded[1].id == "sha256:" + id_b);
  CHECK(loaded[1].references == std::vector<std::string>{"docker.io/library/old:b"});
  const auto b = f.target.find("old:b");
  REQUIRE(b);
  const std::string kTar(media_type::kOciLayer);
  UniqueFd base_fd(::open(f.base_tar.c_str(), O_RDONLY | O_CLOEXEC));
  const auto base_size = static_cast<int64_t>(digest_layer(base_fd.get()).content_size);
  CHECK(base_size > 0);
  CHECK(b->record.layers == std::vector<LayerRecord>{{base_id, base_id, kTar, static_cast<int64_t>(base_tar.size()), base_size},
                                                     {app_id, app_id, kTar, static_cast<int64_t>(app_tar.size()), 5}});
  // No manifest came with the archive: one was made, and it names the config and layers.
  const Manifest made = parse_manifest(f.target.read_blob(b->record.manifest_digest));
  CHECK(made.config.digest == "sha256:" + id_b);
  CHECK(made.layers.size() == 2);
  CHECK(fs::is_regular_file(f.target.layer_dir(base_id) + "/bin/busybox"));
  CHECK(stack::testing::read_tar(f.target.blob_path(app_id)).size() == 2);
}

TEST_CASE("a gzip-compressed archive loads", "[archive]") {
  Fixture f;
  const ImageRecord saved = add_test_image(f.source, {f.base_tar, f.app_tar}, {"docker.io/library/busybox:latest"});
  save_to(f.source, {"busybox"}, f.archive);
  const std::string gz = f.tmp / "images.tar.gz";
  rewrite(f.archive, gz, Compression::Gzip);
  REQUIRE(stack::base::read_file(gz).substr(0, 2) == "\x1f\x8b");

  const std::vector<LoadedImage> loaded = load_from(f.target, gz);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].id == saved.id);
  CHECK(f.target.find("busybox")->record.manifest_digest == saved.manifest_digest);
}

TEST_CASE("an archive whose blob content does not match its name is refused and adds nothing", "[archive]") {
  Fixture f;
  const ImageRecord saved = add_test_image(f.source, {f.base_tar, f.app_tar}, {"docker.io/library/busybox:latest"});
  add_test_image(f.target, {f.app_tar}, {"docker.io/library/keep:1"});
  const auto before = images_of(f.target);
  save_to(f.source, {"busybox"}, f.archive);
  const std::string bad = f.tmp / "bad.tar";
  const std::string damaged = blob_entry(saved.layers[1].digest);
  rewrite(f.archive, bad, Compression::None, [&](ReadEntry& e) {
    if (e.name == damaged) e.content[e.content.size() / 2] ^= 1;
    return true;
  });

  REQUIRE_THROWS_WITH(load_from(f.target, bad),
                      Catch::Contains("archive entry \"" + damaged + "\": content does not match its name"));
  CHECK(images_of(f.target) == before);
  CHECK_FALSE(f.target.find("busybox"));
  CHECK_FALSE(f.target.find(saved.id));
  CHECK_FALSE(f.target.has_layer(saved.layers[0].diff_id));
  CHECK(no_load_leftovers(f.target));
}

TEST_CASE("an archive with a ../ or absolute entry name is refused", "[archive]") {
  Fixture f;
  const std::string bad = f.tmp / "bad.tar";
  write_file(bad, TarBuilder().file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})").file("../evil", "x").build());
  REQUIRE_THROWS_WITH(load_from(f.target, bad), Catch::StartsWith("archive entry \"../evil\": "));
  write_file(bad, TarBuilder().file("/etc/evil", "x").build());
  REQUIRE_THROWS_WITH(load_from(f.target, bad), Catch::StartsWith("archive entry \"/etc/evil\": "));
  write_file(bad, TarBuilder().file("blobs/sha256/../../../evil", "x").build());
  REQUIRE_THROWS_WITH(load_from(f.target, bad), Catch::StartsWith("archive entry \"blobs/sha256/../../../evil\": "));
  CHECK_FALSE(fs::exists(f.tmp / "evil"));
  CHECK(f.target.list().empty());
  CHECK(no_load_leftovers(f.target));
}

TEST_CASE("a layer whose diff ID differs from its config's is refused, and no image of the archive is added",
          "[archive]") {
  Fixture f;
  const std::string good_tar = stack::base::read_file(f.base_tar);
  const std::string bad_tar = TarBuilder().dir("app/").file("app/data", "data\n").build();
  const std::string good_layer = sha256_digest(good_tar), bad_layer = sha256_digest(bad_tar);
  const std::string wrong = sha256_digest("another layer");
  ImageConfig good, bad;
  good.diff_ids = {good_layer};
  bad.diff_ids = {wrong};
  const std::string good_json = serialize_image_config(good), bad_json = serialize_image_config(bad);
  const std::string good_id = sha256_digest(good_json), bad_id = sha256_digest(bad_json);
  const json manifest =
      json::array({{{"Config", blob_entry(good_id)}, {"RepoTags", {"good:1"}}, {"Layers", {blob_entry(good_layer)}}},
                   {{"Config", blob_entry(bad_id)}, {"RepoTags", {"bad:1"}}, {"Layers", {blob_entry(bad_layer)}}}});
  write_file(f.archive, TarBuilder()
                            .file(blob_entry(good_layer), good_tar)
                            .file(blob_entry(bad_layer), bad_tar)
                            .file(blob_entry(good_id), good_json)
                            .file(blob_entry(bad_id), bad_json)
                            .file("manifest.json", manifest.dump())
                            .build());

  REQUIRE_THROWS_WITH(load_from(f.target, f.archive),
                      Catch::Contains("layer \"" + blob_entry(bad_layer) + "\" of image " + bad_id + " has diff ID " +
                                      bad_layer + ", its config says " + wrong));
  // The good image was checked and unpacked first; none of it reached the store.
  CHECK(f.target.list().empty());
  CHECK_FALSE(f.target.find("good:1"));
  CHECK(stack::testing::dir_names(f.target.dir() + "/layers").empty());
  CHECK_FALSE(f.target.has_blob(good_layer));
  CHECK(no_load_leftovers(f.target));
}

TEST_CASE("saving a name that is not in the store fails before anything is written", "[archive]") {
  Fixture f;
  add_test_image(f.source, {f.app_tar}, {"docker.io/library/busybox:latest"});
  REQUIRE_THROWS_WITH(save_to(f.source, {"busybox", "nope:1"}, f.archive), "No such image: nope:1");
  CHECK(fs::file_size(f.archive) == 0);
}
