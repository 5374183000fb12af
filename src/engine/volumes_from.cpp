#include "engine/volumes_from.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "engine/container_create_parts.hpp"

namespace stack::engine {

std::pair<std::string, std::string> parse_volumes_from(const std::string& value) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos) return {value, ""};
  const std::string mode = value.substr(colon + 1);
  if (mode != "ro" && mode != "rw")
    throw Error("invalid --volumes-from \"" + value + "\": mode \"" + mode + "\" is not ro or rw");
  return {value.substr(0, colon), mode};
}

InheritedMounts inherited_mounts(const runtime::Spec& source, const std::vector<std::string>& source_volumes,
                                 const std::string& source_dir, const std::string& mode) {
  if (!mode.empty() && mode != "ro" && mode != "rw") throw Error("invalid --volumes-from mode \"" + mode + "\"");
  InheritedMounts out;
  for (const runtime::Mount& m : source.mounts) {
    if (m.type != "bind" || m.destination == create_detail::kInitPath) continue;
    if (m.source.rfind(source_dir + "/", 0) == 0) continue;
    const auto& o = m.options;
    bool read_only = std::find(o.begin(), o.end(), "ro") != o.end();
    if (!mode.empty()) read_only = mode == "ro";
    out.volumes.push_back(m.source + ":" + m.destination + (read_only ? ":ro" : ""));
  }
  out.names = source_volumes;
  return out;
}

}  // namespace stack::engine
