#include "engine/image/layer_path.hpp"

namespace stack::engine::image {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kAufsPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

}  // namespace

std::optional<std::string> clean_entry_path(std::string_view name) {
  // "./" prefixes (also "././") are how tar writes names relative to its start directory.
  while (name.substr(0, 2) == "./") name.remove_prefix(2);
  if (!name.empty() && name.front() == '/') return std::nullopt;
  std::string clean;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return std::nullopt;
    if (!clean.empty()) clean += '/';
    clean += part;
  }
  return clean;
}

SplitPath split_entry_path(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

Whiteout classify_whiteout(std::string_view base) {
  if (base == kOpaqueMarker) return {WhiteoutKind::Opaque, {}};
  if (base.substr(0, kAufsPrefix.size()) == kAufsPrefix) return {WhiteoutKind::AufsMeta, {}};
  if (base.substr(0, kWhiteoutPrefix.size()) != kWhiteoutPrefix) return {WhiteoutKind::None, {}};
  std::string_view target = base.substr(kWhiteoutPrefix.size());
  if (target.empty() || target == "." || target == "..") return {WhiteoutKind::Invalid, {}};
  return {WhiteoutKind::Remove, std::string(target)};
}

bool in_aufs_metadata(const std::string& path) {
  return classify_whiteout(path.substr(0, path.find('/'))).kind == WhiteoutKind::AufsMeta;
}

}  // namespace stack::engine::image
