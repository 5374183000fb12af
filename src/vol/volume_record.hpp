// volume.json: a Volume as its record on disk.
#pragma once

#include <string>

#include "vol/volume_store.hpp"

namespace stack::vol {

std::string volume_to_json(const Volume& volume);
// Throws stack::Error naming `origin` on malformed JSON.
Volume volume_from_json(const std::string& text, const std::string& origin);

}  // namespace stack::vol
