#include "vol/volume_binds.hpp"

#include <algorithm>

namespace stack::vol {

std::vector<std::string> resolve_named_volumes(VolumeStore& store, std::vector<std::string>& specs) {
  std::vector<std::string> names;
  for (std::string& spec : specs) {
    const size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || spec[0] == '/') continue;
    const std::string name = spec.substr(0, colon);
    const Volume volume = store.get_or_create(name);
    spec = store.ensure_mounted(volume) + spec.substr(colon);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

}  // namespace stack::vol
