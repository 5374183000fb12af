#include "engine/image/store_index.hpp"

#include <algorithm>
#include <filesystem>

#include "base/error.hpp"
#include "base/file_lock.hpp"
#include "base/files.hpp"
#include "engine/image/digest.hpp"

namespace fs = std::filesystem;

namespace stack::engine::image::index {

records::Index read(const std::string& store_dir) {
  const std::string path = store_dir + "/repositories.json";
  auto text = base::read_file_if_exists(path);
  if (!text) return {};
  return records::index_from_json(*text, path);
}

void update(const std::string& store_dir, const std::function<void(records::Index&)>& change) {
  std::error_code ec;
  fs::create_directories(store_dir, ec);
  base::FileLock lock(store_dir + "/index.lock", base::FileLock::Mode::Exclusive);
  records::Index idx = read(store_dir);
  change(idx);
  base::write_file_atomic(store_dir + "/repositories.json", records::index_to_json(idx));
}

std::string key_of(const Reference& reference) {
  if (!reference.digest.empty()) return reference.repository() + "@" + reference.digest;
  return reference.repository() + ":" + reference.tag;
}

std::vector<std::string> references_of(const records::Index& index, const std::string& id) {
  std::vector<std::string> tags, digests;
  for (const auto& [ref, target] : index) {
    if (target != id) continue;
    (ref.find('@') == std::string::npos ? tags : digests).push_back(ref);
  }
  tags.insert(tags.end(), digests.begin(), digests.end());
  return tags;
}

std::string record_path(const std::string& store_dir, const std::string& id) {
  return store_dir + "/images/" + digest_hex(id) + ".json";
}

std::optional<ImageRecord> read_record(const std::string& store_dir, const std::string& id) {
  const std::string path = record_path(store_dir, id);
  auto text = base::read_file_if_exists(path);
  if (!text) return std::nullopt;
  return records::image_from_json(*text, path);
}

std::vector<ImageRecord> read_all_records(const std::string& store_dir) {
  std::vector<ImageRecord> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(store_dir + "/images", ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() != 64 + 5 || !name.ends_with(".json")) continue;  // skips temporary files
    auto text = base::read_file_if_exists(e.path());
    if (text) out.push_back(records::image_from_json(*text, e.path().string()));
  }
  return out;
}

std::optional<ImageEntry> find_by_prefix(const std::string& store_dir, std::string_view prefix,
                                         const records::Index& index) {
  std::string hex(prefix.starts_with("sha256:") ? prefix.substr(7) : prefix);
  std::optional<ImageRecord> found;
  for (ImageRecord& r : read_all_records(store_dir)) {
    if (digest_hex(r.id).rfind(hex, 0) != 0) continue;
    if (found) throw Error("image id prefix \"" + hex + "\" is ambiguous: it matches more than one image");
    found = std::move(r);
  }
  if (!found) return std::nullopt;
  return ImageEntry{*found, references_of(index, found->id)};
}

}  // namespace stack::engine::image::index
