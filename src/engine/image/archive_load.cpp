// `image load`: read the archive into a temporary directory (archive_files), find the
// images it holds (archive_plan), verify every layer against its config while unpacking
// it there, and only when every image checked out move the content into the store and
// record the images. A bad archive thus adds no image and no reference; the temporary
// directory goes in every case.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/archive.hpp"
#include "engine/image/archive_files.hpp"
#include "engine/image/archive_plan.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/layer_unpack.hpp"

namespace fs = std::filesystem;

namespace stack::engine::image {
namespace {

class TempDir {
 public:
  explicit TempDir(const std::string& parent) {
    std::string pattern = parent + "/load-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw syscall_error("create a directory in " + parent);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

UniqueFd open_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw syscall_error("open " + path);
  return fd;
}

// What a layer archive is, from its first bytes (archives lie about it less than labels).
std::string layer_media_type(const ArchiveFile& file, const std::string& diff_id) {
  if (file.digest == diff_id) return std::string(media_type::kOciLayer);
  unsigned char magic[4] = {};
  UniqueFd fd = open_file(file.path);
  if (::read(fd.get(), magic, sizeof magic) == static_cast<ssize_t>(sizeof magic)) {
    if (magic[0] == 0x1f && magic[1] == 0x8b) return std::string(media_type::kOciLayerGzip);
    if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
      return std::string(media_type::kOciLayerZstd);
    }
  }
  return std::string(media_type::kOciLayer);
}

struct PendingImage {
  ImageRecord record;
  std::vector<std::string> references;
};

class Loader {
 public:
  Loader(const ImageStore& store, const ArchiveFiles& files, std::string dir)
      : store_(store), files_(files), dir_(std::move(dir)) {}

  // Checks one image and readies its content; nothing reaches the store yet.
  void prepare(const ImagePlan& plan);
  // Moves the content into the store, then records the images.
  std::vector<LoadedImage> commit() const;

 private:
  LayerRecord layer(const std::string& name, const std::string& diff_id, const std::string& image);
  // Unpacks into `dest` (made here); returns the diff ID and size found.
  UnpackedLayer unpack(const std::string& name, const ArchiveFile& file, const std::string& dest);
  void manifest(const ImagePlan& plan, const ArchiveFile& config, ImageRecord& record);

  const ImageStore& store_;
  const ArchiveFiles& files_;
  std::string dir_;
  std::map<std::string, UnpackedLayer> checked_;  // layer blob digest -> the diff ID (and size) it was found to have
  std::map<std::string, std::string> unpacked_;  // diff ID -> its directory under dir_
  std::map<std::string, std::string> blobs_;     // digest -> the file under dir_ holding it
  std::map<std::string, std::string> made_;      // digest -> a manifest made here
  std::vector<PendingImage> images_;
  std::optional<std::map<std::string, int64_t>> known_sizes_;  // the store's layer sizes, read once when needed
};

UnpackedLayer Loader::unpack(const std::string& name, const ArchiveFile& file, const std::string& dest) {
  if (::mkdir(dest.c_str(), 0755) != 0) throw syscall_error("create " + dest);
  UniqueFd fd = open_file(file.path);
  try {
    return unpack_layer(fd.get(), dest);
  } catch (const Error& e) {
    throw e.wrap("invalid image archive: layer \"" + name + "\"");
  }
}

LayerRecord Loader::layer(const std::string& name, const std::string& diff_id, const std::string& image) {
  const ArchiveFile& file = files_.get(name, "the manifest of image " + image);
  auto checked = checked_.find(file.digest);
  std::optional<UnpackedLayer> found;
  if (checked != checked_.end()) found = checked->second;
  if (!found && !store_.has_layer(diff_id) && !unpacked_.count(diff_id)) {
    const std::string dest = dir_ + "/layer" + std::to_string(unpacked_.size());
    found = unpack(name, file, dest);
    if (found->diff_id == diff_id) unpacked_[diff_id] = dest;
  } else if (!found && file.digest == diff_id) {
    // The layer is unpacked already, and an uncompressed archive is its own proof.
    if (!known_sizes_) known_sizes_ = store_.layer_content_sizes();
    auto known = known_sizes_->find(diff_id);
    found = UnpackedLayer{diff_id, 0, known == known_sizes_->end() ? 0 : static_cast<uint64_t>(known->second)};
  } else if (!found) {
    // The layer is unpacked already; still prove that this archive holds it before its
    // blob is recorded as the layer's.
    found = digest_layer(open_file(file.path).get());
  }
  checked_[file.digest] = *found;
  if (found->diff_id != diff_id) {
    throw Error("invalid image archive: layer \"" + name + "\" of image " + image + " has diff ID " + found->diff_id +
                ", its config says " + diff_id);
  }
  blobs_[file.digest] = file.path;
  return LayerRecord{diff_id, file.digest, layer_media_type(file, diff_id), file.size,
                     static_cast<int64_t>(found->content_size)};
}

void Loader::manifest(const ImagePlan& plan, const ArchiveFile& config, ImageRecord& record) {
  if (plan.manifest) {
    const ArchiveFile& file = files_.get("blobs/sha256/" + digest_hex(plan.manifest->digest), "index.json");
    const Manifest m = parse_manifest(base::read_file(file.path), plan.manifest->media_type);
    // The archive's own layer media types (docker's or OCI's, as the manifest says).
    for (size_t i = 0; i < record.layers.size() && i < m.layers.size(); ++i) record.layers[i].media_type = m.layers[i].media_type;
    record.manifest_digest = file.digest;
    record.manifest_media_type = m.media_type;
    blobs_[file.digest] = file.path;
    return;
  }
  Manifest m;
  m.media_type = std::string(media_type::kOciManifest);
  m.config = Descriptor{std::string(media_type::kOciConfig), config.digest, config.size, std::nullopt, {}};
  for (const LayerRecord& l : record.layers) m.layers.push_back(Descriptor{l.media_type, l.digest, l.size, std::nullopt, {}});
  const std::string bytes = serialize_manifest(m);
  record.manifest_digest = sha256_digest(bytes);
  record.manifest_media_type = m.media_type;
  made_[record.manifest_digest] = bytes;
}

void Loader::prepare(const ImagePlan& plan) {
  const ArchiveFile& config_file = files_.get(plan.config, "the archive's manifest");
  ImageConfig config;
  try {
    config = parse_image_config(base::read_file(config_file.path));
  } catch (const Error& e) {
    throw e.wrap("invalid image archive: image config \"" + plan.config + "\"");
  }
  ImageRecord record;
  record.id = config_file.digest;
  if (plan.layers.size() != config.diff_ids.size()) {
    throw Error("invalid image archive: image " + record.id + " lists " + std::to_string(plan.layers.size()) +
                " layers, its config " + std::to_string(config.diff_ids.size()));
  }
  for (size_t i = 0; i < plan.layers.size(); ++i) record.layers.push_back(layer(plan.layers[i], config.diff_ids[i], record.id));
  blobs_[record.id] = config_file.path;
  manifest(plan, config_file, record);

  auto same = [&](const PendingImage& p) { return p.record.id == record.id; };
  auto it = std::find_if(images_.begin(), images_.end(), same);
  if (it == images_.end()) it = images_.insert(images_.end(), PendingImage{std::move(record), {}});
  for (const std::string& ref : plan.references) {
    if (std::find(it->references.begin(), it->references.end(), ref) == it->references.end()) it->references.push_back(ref);
  }
}

std::vector<LoadedImage> Loader::commit() const {
  for (const auto& [diff_id, dir] : unpacked_) store_.commit_layer(dir, diff_id);
  for (const auto& [digest, path] : blobs_) {
    if (!store_.has_blob(digest)) store_.commit_blob(path, digest);
  }
  for (const auto& [digest, bytes] : made_) store_.put_blob(bytes);
  std::vector<LoadedImage> loaded;
  for (const PendingImage& image : images_) {
    store_.add_image(image.record, image.references);
    loaded.push_back({image.record.id, image.references});
  }
  return loaded;
}

}  // namespace

std::vector<LoadedImage> load_images(const ImageStore& store, int in_fd) {
  base::FileLock lock = store.lock_for_adding();
  TempDir tmp(store.tmp_dir());
  const std::string files_dir = tmp.path() + "/files";
  if (::mkdir(files_dir.c_str(), 0700) != 0) throw syscall_error("create " + files_dir);
  const ArchiveFiles files = read_archive_files(in_fd, files_dir);
  Loader loader(store, files, tmp.path());
  for (const ImagePlan& plan : plan_images(files)) loader.prepare(plan);
  return loader.commit();
}

}  // namespace stack::engine::image
