#include "engine/build/build_cache.hpp"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/files.hpp"
#include "engine/image/digest.hpp"

namespace stack::engine::build {

using json = nlohmann::json;

BuildCache::BuildCache(const image::ImageStore& store) : store_(store), dir_(store.dir() + "/build-cache") {}

std::string BuildCache::key(std::string_view parent, std::string_view step) {
  std::string text(parent);
  text += '\n';
  text += step;
  return image::sha256_digest(text);
}

std::optional<CachedStep> BuildCache::find(const std::string& key) const {
  const auto text = base::read_file_if_exists(dir_ + "/" + image::digest_hex(key) + ".json");
  if (!text) return std::nullopt;
  try {
    const json doc = json::parse(*text);
    CachedStep step;
    step.created = doc.at("created").get<std::string>();
    if (doc.contains("layer")) {
      const json& l = doc.at("layer");
      image::LayerRecord layer{l.at("diff_id").get<std::string>(), l.at("digest").get<std::string>(),
                               l.at("media_type").get<std::string>(), l.at("size").get<int64_t>(),
                               l.at("content_size").get<int64_t>()};
      if (!store_.has_layer(layer.diff_id) || !store_.has_blob(layer.digest)) return std::nullopt;
      step.layer = layer;
    }
    return step;
  } catch (const json::exception&) {
    return std::nullopt;  // a record cut short by a crash is a miss, and is rewritten
  }
}

void BuildCache::put(const std::string& key, const CachedStep& step) const {
  json doc = {{"created", step.created}};
  if (step.layer) {
    doc["layer"] = {{"diff_id", step.layer->diff_id},
                    {"digest", step.layer->digest},
                    {"media_type", step.layer->media_type},
                    {"size", step.layer->size},
                    {"content_size", step.layer->content_size}};
  }
  std::filesystem::create_directories(dir_);
  // Not synced: a record lost in a crash only costs a rebuild of that step.
  base::write_file_atomic(dir_ + "/" + image::digest_hex(key) + ".json", doc.dump(), 0644, base::Durability::Replace);
}

}  // namespace stack::engine::build
