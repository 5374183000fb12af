// Removal: untag, delete image records, then collect the blobs and layers no remaining
// image needs. Everything runs under the store's exclusive lock (see store.hpp).
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/store.hpp"
#include "engine/image/store_index.hpp"

namespace fs = std::filesystem;

namespace stack::engine::image {
namespace {

using InUse = ImageStore::InUse;

bool is_tag(const std::string& ref) { return ref.find('@') == std::string::npos; }

// Bytes a path holds (a file, or a directory's regular files).
uint64_t bytes_of(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(path, ec))) {
    struct stat st{};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  }
  uint64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    struct stat st{};
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

// Deletes every entry of `dir` whose name is not in `keep`; adds what it freed.
void sweep(const fs::path& dir, const std::set<std::string>& keep, uint64_t& reclaimed) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (keep.count(name) || name.size() != 64) continue;  // not ours, or a temporary name
    reclaimed += bytes_of(e.path());
    fs::remove_all(e.path(), ec);
    if (ec) throw Error("cannot remove " + e.path().string() + ": " + ec.message());
  }
}

// Every blob and layer no image record needs.
void collect(const std::string& store_dir, uint64_t& reclaimed) {
  std::set<std::string> blobs, layers;
  for (const ImageRecord& r : index::read_all_records(store_dir)) {
    blobs.insert(digest_hex(r.id));
    if (!r.manifest_digest.empty()) blobs.insert(digest_hex(r.manifest_digest));
    for (const LayerRecord& l : r.layers) {
      blobs.insert(digest_hex(l.digest));
      layers.insert(digest_hex(l.diff_id));
    }
  }
  sweep(store_dir + "/blobs/sha256", blobs, reclaimed);
  sweep(store_dir + "/layers", layers, reclaimed);
}

std::string user_of(const InUse& in_use, const std::string& id) {
  for (const auto& [image, container] : in_use) {
    if (image == id) return container;
  }
  return {};
}

void delete_image(const std::string& store_dir, const ImageEntry& entry, RemovedImages& out) {
  index::update(store_dir, [&](records::Index& idx) {
    for (const std::string& ref : index::references_of(idx, entry.record.id)) {
      idx.erase(ref);
      out.untagged.push_back(ref);
    }
  });
  std::error_code ec;
  fs::remove(index::record_path(store_dir, entry.record.id), ec);
  out.deleted.push_back(entry.record.id);
}

void untag(const std::string& store_dir, const std::vector<std::string>& refs, RemovedImages& out) {
  index::update(store_dir, [&](records::Index& idx) {
    for (const std::string& ref : refs) {
      if (idx.erase(ref)) out.untagged.push_back(ref);
    }
  });
}

// The index key `name` was found by, when it was found by reference rather than by id.
std::string reference_key(std::string_view name, const ImageEntry& entry) {
  if (looks_like_image_id(name)) return {};
  try {
    std::string key = index::key_of(parse_reference(name));
    for (const std::string& ref : entry.references) {
      if (ref == key) return key;
    }
  } catch (const Error&) {
  }
  return {};
}

void remove_by_reference(const std::string& dir, const ImageEntry& entry, const std::string& key, bool force,
                         const InUse& in_use, RemovedImages& out) {
  std::vector<std::string> other_tags;
  for (const std::string& ref : entry.references) {
    if (ref != key && is_tag(ref)) other_tags.push_back(ref);
  }
  const std::string user = user_of(in_use, entry.record.id);
  if (!other_tags.empty() || (!user.empty() && force)) return untag(dir, {key}, out);
  if (!user.empty()) {
    throw Error("conflict: unable to remove repository reference \"" + key + "\" (must force) - container " + user +
                " is using its referenced image " + short_digest(entry.record.id));
  }
  delete_image(dir, entry, out);
}

void remove_by_id(const std::string& dir, const ImageEntry& entry, bool force, const InUse& in_use,
                  RemovedImages& out) {
  const std::string user = user_of(in_use, entry.record.id);
  if (!user.empty()) {
    if (!force) {
      throw Error("conflict: unable to delete " + short_digest(entry.record.id) +
                  " (must be forced) - image is being used by container " + user);
    }
    return untag(dir, entry.references, out);  // its layers stay while the container does
  }
  std::set<std::string> repositories;
  for (const std::string& ref : entry.references) {
    if (is_tag(ref)) repositories.insert(ref.substr(0, ref.rfind(':')));
  }
  if (repositories.size() > 1 && !force) {
    throw Error("conflict: unable to delete " + short_digest(entry.record.id) +
                " (must be forced) - image is referenced in multiple repositories");
  }
  delete_image(dir, entry, out);
}

}  // namespace

RemovedImages ImageStore::remove(std::string_view name, bool force, const InUseFn& in_use_fn) const {
  base::FileLock lock = lock_for_removing();
  const InUse in_use = in_use_fn();
  std::optional<ImageEntry> entry = find(name);
  if (!entry) throw Error("No such image: " + std::string(name));
  RemovedImages out;
  const std::string key = reference_key(name, *entry);
  if (!key.empty()) {
    remove_by_reference(dir_, *entry, key, force, in_use, out);
  } else {
    remove_by_id(dir_, *entry, force, in_use, out);
  }
  if (!out.deleted.empty()) collect(dir_, out.reclaimed_bytes);
  return out;
}

RemovedImages ImageStore::prune(bool all, const InUseFn& in_use_fn) const {
  base::FileLock lock = lock_for_removing();
  std::set<std::string> in_use;
  for (const auto& [image, container] : in_use_fn()) in_use.insert(image);
  RemovedImages out;
  for (const ImageEntry& entry : list()) {
    if (in_use.count(entry.record.id)) continue;
    bool tagged = false;
    for (const std::string& ref : entry.references) tagged = tagged || is_tag(ref);
    if (tagged && !all) continue;
    delete_image(dir_, entry, out);
  }
  collect(dir_, out.reclaimed_bytes);
  // Unpacks and downloads a killed command left behind; partial downloads stay, for the
  // next pull to resume (nothing is adding now: this lock is exclusive).
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_ + "/tmp", ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".partial") || name.ends_with(".lock")) continue;
    out.reclaimed_bytes += bytes_of(e.path());
    fs::remove_all(e.path(), ec);
  }
  return out;
}

}  // namespace stack::engine::image
