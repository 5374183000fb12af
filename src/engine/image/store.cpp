#include "engine/image/store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "base/error.hpp"
#include "base/utc_time.hpp"
#include "base/files.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/store_index.hpp"
#include "engine/image/store_records.hpp"

namespace fs = std::filesystem;

namespace stack::engine::image {
namespace {

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create " + dir.string() + ": " + ec.message());
}

}  // namespace

ImageStore::ImageStore(std::string dir) : dir_(std::move(dir)) {}

std::string ImageStore::blob_path(const std::string& digest) const {
  return dir_ + "/blobs/sha256/" + digest_hex(digest);
}

std::string ImageStore::layer_dir(const std::string& diff_id) const { return dir_ + "/layers/" + digest_hex(diff_id); }

std::string ImageStore::tmp_dir() const {
  std::string dir = dir_ + "/tmp";
  make_dirs(dir);
  return dir;
}

std::string ImageStore::partial_blob_path(const std::string& digest) const {
  return tmp_dir() + "/" + digest_hex(digest) + ".partial";
}

base::FileLock ImageStore::lock_for_adding() const {
  make_dirs(dir_);
  return base::FileLock(dir_ + "/lock", base::FileLock::Mode::Shared);
}

base::FileLock ImageStore::lock_for_removing() const {
  make_dirs(dir_);
  return base::FileLock(dir_ + "/lock", base::FileLock::Mode::Exclusive);
}

base::FileLock ImageStore::lock_blob(const std::string& digest) const {
  return base::FileLock(tmp_dir() + "/" + digest_hex(digest) + ".lock", base::FileLock::Mode::Exclusive);
}

bool ImageStore::has_blob(const std::string& digest) const { return ::access(blob_path(digest).c_str(), F_OK) == 0; }

bool ImageStore::has_layer(const std::string& diff_id) const {
  return ::access(layer_dir(diff_id).c_str(), F_OK) == 0;
}

void ImageStore::commit_blob(const std::string& file, const std::string& digest) const {
  const std::string to = blob_path(digest);
  make_dirs(fs::path(to).parent_path());
  if (::rename(file.c_str(), to.c_str()) != 0) {
    throw Error("cannot store blob " + digest + ": " + std::strerror(errno));
  }
}

std::string ImageStore::put_blob(std::string_view content) const {
  const std::string digest = sha256_digest(content);
  if (has_blob(digest)) return digest;
  const std::string to = blob_path(digest);
  make_dirs(fs::path(to).parent_path());
  base::write_file_atomic(to, content, 0644);
  return digest;
}

std::string ImageStore::read_blob(const std::string& digest) const {
  auto text = base::read_file_if_exists(blob_path(digest));
  if (!text) throw Error("blob " + digest + " is missing from the image store", "pull the image again");
  return *text;
}

void ImageStore::commit_layer(const std::string& unpacked, const std::string& diff_id) const {
  const std::string to = layer_dir(diff_id);
  make_dirs(fs::path(to).parent_path());
  if (::rename(unpacked.c_str(), to.c_str()) == 0) return;
  const int err = errno;
  if (err == EEXIST || err == ENOTEMPTY) {  // another command unpacked it first: keep theirs
    std::error_code ec;
    fs::remove_all(unpacked, ec);
    return;
  }
  throw Error("cannot store layer " + diff_id + ": " + std::strerror(err));
}

void ImageStore::add_image(const ImageRecord& record, const std::vector<std::string>& references) const {
  ImageRecord r = record;
  const std::string path = dir_ + "/images/" + digest_hex(r.id) + ".json";
  if (auto old = base::read_file_if_exists(path)) {
    r.added = records::image_from_json(*old, path).added;  // the image was already here
  }
  if (r.added.empty()) r.added = base::utc_now_rfc3339();
  make_dirs(dir_ + "/images");
  base::write_file_atomic(path, records::image_to_json(r));
  index::update(dir_, [&](records::Index& idx) {
    for (const std::string& ref : references) idx[ref] = r.id;
  });
}

void ImageStore::tag(const std::string& image_id, const std::string& reference) const {
  index::update(dir_, [&](records::Index& idx) { idx[reference] = image_id; });
}

std::optional<ImageEntry> ImageStore::find(std::string_view name) const {
  const records::Index idx = index::read(dir_);
  auto entry_for = [&](const std::string& id) -> std::optional<ImageEntry> {
    auto rec = index::read_record(dir_, id);
    if (!rec) return std::nullopt;
    return ImageEntry{*rec, index::references_of(idx, id)};
  };
  if (looks_like_image_id(name)) {
    std::string id(name);
    if (id.rfind("sha256:", 0) != 0) id = "sha256:" + id;
    return entry_for(id);
  }
  try {
    if (auto it = idx.find(index::key_of(parse_reference(name))); it != idx.end()) return entry_for(it->second);
  } catch (const Error&) {
    if (!looks_like_image_id(name, true)) throw;
  }
  if (!looks_like_image_id(name, true)) return std::nullopt;
  return index::find_by_prefix(dir_, name, idx);
}

std::vector<ImageEntry> ImageStore::list() const {
  const records::Index idx = index::read(dir_);
  std::vector<ImageEntry> out;
  for (ImageRecord& r : index::read_all_records(dir_)) {
    std::vector<std::string> refs = index::references_of(idx, r.id);
    out.push_back({std::move(r), std::move(refs)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ImageEntry& a, const ImageEntry& b) { return a.record.added > b.record.added; });
  return out;
}

ImageConfig ImageStore::config(const ImageRecord& record) const { return parse_image_config(read_blob(record.id)); }

std::map<std::string, int64_t> ImageStore::layer_content_sizes() const {
  std::map<std::string, int64_t> sizes;
  for (const ImageRecord& r : index::read_all_records(dir_)) {
    for (const LayerRecord& l : r.layers) sizes[l.diff_id] = l.content_size;
  }
  return sizes;
}

std::vector<std::string> ImageStore::lower_dirs(const ImageRecord& record) const {
  // A layer an image lists twice (the empty layer often is) is mounted once, at its
  // topmost place: everything the lower copy holds, the upper copy holds again above it.
  std::vector<std::string> dirs;
  std::set<std::string> seen;
  for (auto it = record.layers.rbegin(); it != record.layers.rend(); ++it) {
    if (!seen.insert(it->diff_id).second) continue;
    if (!has_layer(it->diff_id)) {
      throw Error("layer " + it->diff_id + " of image " + record.id + " is missing from the image store",
                  "remove the image and pull it again");
    }
    dirs.push_back(layer_dir(it->diff_id));
  }
  return dirs;
}

}  // namespace stack::engine::image
