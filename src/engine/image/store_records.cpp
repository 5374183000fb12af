#include "engine/image/store_records.hpp"

#include <nlohmann/json.hpp>

#include "base/error.hpp"

namespace stack::engine::image::records {

using nlohmann::json;

std::string image_to_json(const ImageRecord& r) {
  json layers = json::array();
  for (const LayerRecord& l : r.layers) {
    layers.push_back({{"diff_id", l.diff_id}, {"digest", l.digest}, {"media_type", l.media_type}, {"size", l.size}, {"content_size", l.content_size}});
  }
  return json{{"id", r.id},
              {"manifest_digest", r.manifest_digest},
              {"manifest_media_type", r.manifest_media_type},
              {"layers", layers},
              {"added", r.added}}
      .dump();
}

ImageRecord image_from_json(const std::string& text, const std::string& origin) {
  try {
    json j = json::parse(text);
    ImageRecord r;
    r.id = j.at("id").get<std::string>();
    r.manifest_digest = j.value("manifest_digest", "");
    r.manifest_media_type = j.value("manifest_media_type", "");
    r.added = j.value("added", "");
    for (const json& l : j.at("layers")) {
      r.layers.push_back({l.at("diff_id").get<std::string>(), l.at("digest").get<std::string>(),
                          l.value("media_type", ""), l.value("size", int64_t{0}),
                          l.value("content_size", int64_t{0})});
    }
    return r;
  } catch (const json::exception& e) {
    throw Error(origin + ": not an image record: " + e.what());
  }
}

std::string index_to_json(const Index& index) { return json{{"references", index}}.dump(1); }

Index index_from_json(const std::string& text, const std::string& origin) {
  try {
    return json::parse(text).at("references").get<Index>();
  } catch (const json::exception& e) {
    throw Error(origin + ": not an image index: " + e.what());
  }
}

}  // namespace stack::engine::image::records
