#include "vol/volume_binds.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace stack::vol {
namespace {

bool has_option(const std::string& options, const std::string& word) {
  const std::vector<std::string> words = base::split(options, ',');
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The container path a -v or --tmpfs spec mounts on ("/a:/b:ro" -> "/b", "/b" -> "/b").
std::string target_of(const std::string& spec, bool tmpfs) {
  const std::vector<std::string> parts = base::split(spec, ':');
  if (tmpfs || parts.size() == 1) return parts[0];
  return parts[1];
}

std::string clean(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

std::vector<VolumeMount> resolve_volume_mounts(VolumeStore& store, std::vector<std::string>& specs) {
  std::vector<VolumeMount> mounts;
  for (std::string& spec : specs) {
    if (!spec.empty() && spec[0] == '/' && spec.find(':') == std::string::npos) {  // -v /path: anonymous
      const Volume volume = store.create_anonymous();
      mounts.push_back({volume, spec, true});
      spec = store.ensure_mounted(volume) + ":" + spec;
      continue;
    }
    const size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || spec[0] == '/') continue;
    const Volume volume = store.get_or_create(spec.substr(0, colon));
    const std::vector<std::string> parts = base::split(spec, ':');
    const bool nocopy = parts.size() > 2 && has_option(parts[2], "nocopy");
    mounts.push_back({volume, parts.size() > 1 ? parts[1] : "", !nocopy});
    spec = store.ensure_mounted(volume) + spec.substr(colon);
  }
  return mounts;
}

void add_image_volumes(VolumeStore& store, const std::vector<std::string>& image_volumes,
                       const std::vector<std::string>& tmpfs, std::vector<std::string>& specs,
                       std::vector<VolumeMount>& mounts) {
  std::vector<std::string> covered;
  for (const std::string& s : specs) covered.push_back(clean(target_of(s, false)));
  for (const std::string& s : tmpfs) covered.push_back(clean(target_of(s, true)));
  for (const std::string& path : image_volumes) {
    if (std::find(covered.begin(), covered.end(), clean(path)) != covered.end()) continue;
    const Volume volume = store.create_anonymous();
    specs.push_back(store.ensure_mounted(volume) + ":" + path);
    mounts.push_back({volume, path, true});
    covered.push_back(clean(path));
  }
}

std::vector<std::string> volume_names(const std::vector<VolumeMount>& mounts) {
  std::vector<std::string> names;
  for (const VolumeMount& m : mounts)
    if (std::find(names.begin(), names.end(), m.volume.name) == names.end()) names.push_back(m.volume.name);
  return names;
}

std::vector<std::string> resolve_named_volumes(VolumeStore& store, std::vector<std::string>& specs) {
  return volume_names(resolve_volume_mounts(store, specs));
}

}  // namespace stack::vol
