// The image store under <root>/image (DESIGN section 4, "Images"):
//
//   blobs/sha256/<hex>     the content store: manifests, configs, layer archives as pulled
//   layers/<hex>/          one unpacked directory per layer, named by its diff ID, shared by
//                          every image and container that uses it (an overlay lowerdir)
//   images/<hex>.json      one record per image, named by its id (the config's digest)
//   repositories.json      the index: references ("docker.io/library/nginx:latest",
//                          "...@sha256:<manifest>") -> image id
//   tmp/                   downloads and unpacks in progress; <hex>.partial files survive an
//                          interrupted pull so the next one resumes
//   lock, index.lock       see below
//
// Content appears atomically: a blob is written in tmp/ and renamed into blobs/, a layer
// is unpacked in tmp/ and renamed into layers/, so a killed command leaves nothing
// half-made in sight. The index is replaced atomically under index.lock, so concurrent
// commands never lose each other's tags.
//
// Nothing keeps counters: what is in use is computed from the records when something is
// removed (images from repositories.json and the caller's containers; layers and blobs
// from the image records), so a crash can never leave a count wrong. Commands that add
// content hold `lock` shared from the first download to the index update; removal holds it
// exclusive, so a prune never deletes the layer a concurrent pull just finished.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_lock.hpp"
#include "engine/image/oci.hpp"

namespace stack::engine::image {

struct LayerRecord {
  std::string diff_id;     // the unpacked directory's name
  std::string digest;      // its archive in blobs/ (equal to diff_id for an uncompressed one)
  std::string media_type;  // of the archive
  int64_t size = 0;        // of the archive
  int64_t content_size = 0;  // bytes of file content once unpacked (what `image ls` sums)
  bool operator==(const LayerRecord&) const = default;
};

struct ImageRecord {
  std::string id;               // "sha256:..." of the config blob
  std::string manifest_digest;  // the manifest in blobs/ that names this config and these layers
  std::string manifest_media_type;
  std::vector<LayerRecord> layers;  // bottom first
  std::string added;                // RFC 3339, when the image came into the store
  bool operator==(const ImageRecord&) const = default;
};

struct ImageEntry {
  ImageRecord record;
  std::vector<std::string> references;  // full references naming it, sorted (tags, then digests)
};

struct RemovedImages {
  std::vector<std::string> untagged;  // references removed ("docker.io/library/nginx:latest")
  std::vector<std::string> deleted;   // image ids deleted
  uint64_t reclaimed_bytes = 0;       // of blobs and layer directories freed
};

class ImageStore {
 public:
  explicit ImageStore(std::string dir);  // <root>/image; created on first write

  const std::string& dir() const { return dir_; }
  std::string blob_path(const std::string& digest) const;
  std::string layer_dir(const std::string& diff_id) const;
  std::string tmp_dir() const;  // created by this call
  // tmp/<hex>.partial for a blob being downloaded (kept across interrupted pulls).
  std::string partial_blob_path(const std::string& digest) const;

  // The lock held while adding content (shared) or removing it (exclusive).
  base::FileLock lock_for_adding() const;
  base::FileLock lock_for_removing() const;
  // A per-digest lock so two pulls of one blob download it once (tmp/<hex>.lock).
  base::FileLock lock_blob(const std::string& digest) const;

  bool has_blob(const std::string& digest) const;
  bool has_layer(const std::string& diff_id) const;
  // Moves a finished, verified file into blobs/ as `digest`.
  void commit_blob(const std::string& file, const std::string& digest) const;
  // Writes `content` as a blob; returns its digest.
  std::string put_blob(std::string_view content) const;
  std::string read_blob(const std::string& digest) const;
  // Renames an unpacked directory (in tmp/) into layers/ as `diff_id`; when another
  // command got there first, `unpacked` is deleted and theirs is kept.
  void commit_layer(const std::string& unpacked, const std::string& diff_id) const;

  // Records an image (its blobs and layers must be in the store) and points `references`
  // (normalized full references) at it, moving them away from any image they named before.
  void add_image(const ImageRecord& record, const std::vector<std::string>& references) const;
  // Adds one reference to an existing image.
  void tag(const std::string& image_id, const std::string& reference) const;

  // By reference (as a user types it: "nginx", "localhost:5000/app:1", "app@sha256:..."),
  // by full id, or by an unambiguous id prefix. nullopt when nothing matches; an
  // ambiguous prefix is a stack::Error.
  std::optional<ImageEntry> find(std::string_view name) const;
  // Every image, newest first.
  std::vector<ImageEntry> list() const;
  ImageConfig config(const ImageRecord& record) const;
  // The unpacked size of every layer the image records name (diff ID -> bytes), read in one
  // pass for a command that needs several.
  std::map<std::string, int64_t> layer_content_sizes() const;
  // The layer directories, topmost first (the order overlay's lowerdir wants).
  std::vector<std::string> lower_dirs(const ImageRecord& record) const;

  // Which images containers are made from: (image id, container name) pairs. Called under
  // the exclusive lock, after every command creating a container from an image (which holds
  // the lock shared from the image's lookup until its record is written) is done.
  using InUse = std::vector<std::pair<std::string, std::string>>;
  using InUseFn = std::function<InUse()>;

  // `image rm NAME`: a reference is untagged, and the image is deleted when nothing else
  // names it; an id deletes the image (with -f even when several references name it). An
  // image a container uses is refused, naming the container, unless `force` (then it is
  // only untagged, as docker does).
  RemovedImages remove(std::string_view name, bool force, const InUseFn& in_use) const;
  // Deletes images nothing names (all unused ones when `all`) that no container uses,
  // then every blob and layer no remaining image needs.
  RemovedImages prune(bool all, const InUseFn& in_use) const;

 private:
  std::string dir_;
};

}  // namespace stack::engine::image
