// Pass: merging compose trees with compose's rules (several -f files, overrides, extends).
//   - mappings merge key by key, recursively; scalars from the override replace;
//   - sequences append, except: command, entrypoint, healthcheck.test, dns, dns_search,
//     dns_opt? (see merge.cpp for the exact table) replace;
//   - ports merge by (host_ip, target, published, protocol); volumes, secrets, configs by target;
//     environment, labels, sysctls, extra_hosts, ulimits and the like merge as maps whatever
//     syntax (list or map) each side uses; depends_on and networks as maps too;
//   - `!reset` on an override value removes the key; `!override` replaces instead of merging.
#pragma once

#include "compose/node.hpp"

namespace stack::compose {

// Merges a whole compose file tree `override` into `base`.
void merge_files(Node& base, const Node& override);

// Merges one service definition `override` into `base` (used by extends too).
// `path` is the tree path of the service (for errors), e.g. "services.web".
void merge_service(Node& base, const Node& override, std::string_view path);

// Drops every `!reset` node left in a tree (a reset with nothing to reset).
void strip_reset(Node& root);

}  // namespace stack::compose
