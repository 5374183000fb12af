// `image save`: the layout archive.hpp describes, written in one pass. Every name is
// resolved (and every blob checked present) before the first byte is written, so a typo
// never leaves half an archive behind.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "base/error.hpp"
#include "engine/image/archive.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/store_index.hpp"
#include "engine/image/tar_writer.hpp"

namespace stack::engine::image {
namespace {

using nlohmann::json;

constexpr std::string_view kNameAnnotation = "io.containerd.image.name";
constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

struct SavedImage {
  ImageRecord record;
  std::vector<Reference> references;  // those the user named; none when saved by id
  // The manifest: the store's blob, or (for an image recorded without one) made here.
  std::string manifest_digest;
  std::string manifest_media_type;
  std::string made_manifest;
};

std::string blob_name(const std::string& digest) { return "blobs/sha256/" + digest_hex(digest); }

// The reference `name` stands for when it is one of the image's references; nullopt when
// the user named the image by its id (or an id prefix).
std::optional<Reference> named_reference(std::string_view name, const ImageEntry& entry) {
  if (looks_like_image_id(name)) return std::nullopt;
  try {
    Reference ref = parse_reference(name);
    const std::string key = index::key_of(ref);
    if (std::find(entry.references.begin(), entry.references.end(), key) == entry.references.end()) {
      return std::nullopt;
    }
    return parse_reference(key);  // the stored form: a tag or a digest, not both
  } catch (const Error&) {
    return std::nullopt;  // an id prefix
  }
}

// An OCI manifest for a record that has none in the store (an image made by import).
std::string make_manifest(const ImageStore& store, const ImageRecord& record) {
  Manifest m;
  m.media_type = std::string(media_type::kOciManifest);
  m.config = Descriptor{std::string(media_type::kOciConfig), record.id,
                        static_cast<int64_t>(store.read_blob(record.id).size()), std::nullopt, {}};
  for (const LayerRecord& l : record.layers) m.layers.push_back(Descriptor{l.media_type, l.digest, l.size, std::nullopt, {}});
  return serialize_manifest(m);
}

void check_blob(const ImageStore& store, const std::string& digest, const ImageRecord& record) {
  if (!store.has_blob(digest)) {
    throw Error("blob " + digest + " of image " + record.id + " is missing from the image store",
                "remove the image and pull it again");
  }
}

// Every name resolved, in the order first named; an image named twice is saved once.
std::vector<SavedImage> resolve(const ImageStore& store, const std::vector<std::string>& names) {
  std::vector<SavedImage> images;
  for (const std::string& name : names) {
    std::optional<ImageEntry> entry = store.find(name);
    if (!entry) throw Error("No such image: " + name);
    auto same = [&](const SavedImage& s) { return s.record.id == entry->record.id; };
    auto it = std::find_if(images.begin(), images.end(), same);
    if (it == images.end()) it = images.insert(images.end(), SavedImage{entry->record, {}, {}, {}, {}});
    if (auto ref = named_reference(name, *entry)) {
      auto same_ref = [&](const Reference& r) { return r.string() == ref->string(); };
      if (std::none_of(it->references.begin(), it->references.end(), same_ref)) it->references.push_back(*ref);
    }
  }
  for (SavedImage& image : images) {
    const ImageRecord& r = image.record;
    check_blob(store, r.id, r);
    for (const LayerRecord& l : r.layers) check_blob(store, l.digest, r);
    if (!r.manifest_digest.empty()) {
      check_blob(store, r.manifest_digest, r);
      image.manifest_digest = r.manifest_digest;
      image.manifest_media_type = r.manifest_media_type;
    } else {
      image.made_manifest = make_manifest(store, r);
      image.manifest_digest = sha256_digest(image.made_manifest);
      image.manifest_media_type = std::string(media_type::kOciManifest);
    }
  }
  return images;
}

int64_t manifest_size(const ImageStore& store, const SavedImage& image) {
  if (!image.made_manifest.empty()) return static_cast<int64_t>(image.made_manifest.size());
  return static_cast<int64_t>(store.read_blob(image.manifest_digest).size());
}

json index_document(const ImageStore& store, const std::vector<SavedImage>& images) {
  json manifests = json::array();
  for (const SavedImage& image : images) {
    json entry = {{"mediaType", image.manifest_media_type},
                  {"digest", image.manifest_digest},
                  {"size", manifest_size(store, image)}};
    if (image.references.empty()) manifests.push_back(entry);  // saved by id: no name to give
    for (const Reference& ref : image.references) {
      json annotated = entry;
      annotated["annotations"][std::string(kNameAnnotation)] = ref.string();
      if (!ref.tag.empty()) annotated["annotations"][std::string(kRefNameAnnotation)] = ref.tag;
      manifests.push_back(std::move(annotated));
    }
  }
  return {{"schemaVersion", 2}, {"mediaType", media_type::kOciIndex}, {"manifests", std::move(manifests)}};
}

// docker's manifest.json: what docker load (of any version) reads first.
json docker_manifest_document(const std::vector<SavedImage>& images) {
  json out = json::array();
  for (const SavedImage& image : images) {
    json tags = json::array();
    for (const Reference& ref : image.references) {
      if (!ref.tag.empty() && ref.digest.empty()) tags.push_back(ref.familiar());
    }
    json layers = json::array();
    for (const LayerRecord& l : image.record.layers) layers.push_back(blob_name(l.digest));
    out.push_back({{"Config", blob_name(image.record.id)}, {"RepoTags", std::move(tags)}, {"Layers", std::move(layers)}});
  }
  return out;
}

class BlobWriter {
 public:
  BlobWriter(const ImageStore& store, TarWriter& tar) : store_(store), tar_(tar) {}

  void from_store(const std::string& digest) {
    if (written_.insert(digest).second) tar_.add_file_from(blob_name(digest), store_.blob_path(digest));
  }
  void made(const std::string& digest, std::string_view content) {
    if (written_.insert(digest).second) tar_.add_file(blob_name(digest), content);
  }

 private:
  const ImageStore& store_;
  TarWriter& tar_;
  std::set<std::string> written_;
};

}  // namespace

void save_images(const ImageStore& store, const std::vector<std::string>& names, int out_fd) {
  const std::vector<SavedImage> images = resolve(store, names);
  // A concurrent prune must not delete a blob between the check above and its copy.
  base::FileLock lock = store.lock_for_adding();
  TarWriter tar(out_fd);
  tar.add_file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  tar.add_directory("blobs/");
  tar.add_directory("blobs/sha256/");
  BlobWriter blobs(store, tar);
  for (const SavedImage& image : images) {
    if (image.made_manifest.empty()) {
      blobs.from_store(image.manifest_digest);
    } else {
      blobs.made(image.manifest_digest, image.made_manifest);
    }
    blobs.from_store(image.record.id);
    for (const LayerRecord& l : image.record.layers) blobs.from_store(l.digest);
  }
  tar.add_file("index.json", index_document(store, images).dump());
  tar.add_file("manifest.json", docker_manifest_document(images).dump());
  tar.finish();
}

}  // namespace stack::engine::image
