// docker's --volumes-from (compose's volumes_from): a container is given the volumes and
// bind mounts of another one, at the same paths.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/runtime/spec.hpp"

namespace stack::engine {

struct InheritedMounts {
  std::vector<std::string> volumes;  // "-v" specs: "/host/or/_data:/path[:ro]"
  std::vector<std::string> names;    // the named volumes among them (the source's config.volumes)
};

// What `--volumes-from SOURCE[:ro|:rw]` gives: every bind mount of the source's spec that a
// -v, --mount or volume made (not the engine's own: the init binary, and files bound from
// the source's own directory `source_dir` such as its /etc/hosts), read-only when `mode`
// is "ro", read-write when "rw", as in the source otherwise. Throws stack::Error for
// another mode.
InheritedMounts inherited_mounts(const runtime::Spec& source, const std::vector<std::string>& source_volumes,
                                 const std::string& source_dir, const std::string& mode);

// Splits "name[:ro|:rw]" into the container reference and the mode ("" when none).
std::pair<std::string, std::string> parse_volumes_from(const std::string& value);

}  // namespace stack::engine
