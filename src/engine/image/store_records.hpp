// The store's two kinds of records as JSON: an image record (images/<hex>.json) and the
// index of references (repositories.json). Internal to the store.
#pragma once

#include <map>
#include <string>

#include "engine/image/store.hpp"

namespace stack::engine::image::records {

std::string image_to_json(const ImageRecord& record);
// Throws stack::Error naming `origin` when the text is not a record.
ImageRecord image_from_json(const std::string& text, const std::string& origin);

using Index = std::map<std::string, std::string>;  // reference -> image id
std::string index_to_json(const Index& index);
Index index_from_json(const std::string& text, const std::string& origin);

}  // namespace stack::engine::image::records
