// Pass: resolve `extends` in every service of a file tree.
//   extends: web                    -> service web of the same file
//   extends: {service: web}         -> same
//   extends: {file: base.yaml, service: web}
// Chains are followed (a extends b extends c); a cycle is an error naming it
// ("services.a: extends cycle: a -> b -> a"); a missing service or file is an error
// with the file and line of the `extends` key. The extended service is merged with
// merge_service (the extending service wins). After the pass no service has `extends`.
// As compose v2 does, the base's depends_on and volumes_from are not inherited (links
// are). Errors point at the `extends:` key of the service that starts the problem:
//   compose.yaml:4:5: services.web.extends: service "base" not found [in /p/other.yaml]
//   compose.yaml:3:5: services.a: extends cycle: a -> b (/p/other.yaml) -> a
// A FileLoader failure is reported the same way, with the loader's message.
#pragma once

#include <functional>
#include <string>

#include "compose/node.hpp"

namespace stack::compose {

// Returns the tree of another compose file: parsed, interpolated, relative paths already
// resolved against that file's own directory. Throws stack::Error when it cannot be read.
using FileLoader = std::function<const Node&(const std::string& absolute_path)>;

// `file` is the absolute path of `root`'s file (where `extends.file` is relative to).
void resolve_extends(Node& root, const std::string& file, const FileLoader& load);

}  // namespace stack::compose
