// Pass: merging compose trees with compose's rules (several -f files, overrides, extends),
// as compose-go's override package does (merge_rules.cpp has the per-path table):
//   - mappings merge key by key, recursively; override scalars replace; an override
//     value that is null keeps the base (except for command/entrypoint/healthcheck.test);
//   - sequences append, except command, entrypoint and healthcheck.test, which replace;
//   - ports merge by (host_ip, published, target, protocol); volumes, secrets, configs
//     and devices by target; env_file by path; tmpfs by mount point; a later item with
//     the same identity replaces the earlier one in place; short and long syntax mix;
//   - environment, labels, annotations, sysctls, build.args/labels/additional_contexts,
//     deploy.labels, logging.options merge as maps whatever syntax (list "K=V" or
//     mapping) each side uses; the result is a mapping ("K" alone becomes K: null);
//   - extra_hosts: union of host/address pairs (a mapping host -> address or list);
//   - depends_on, service networks and models: lists become mappings, then merge by name
//     (a listed dependency means {condition: service_started, required: true});
//   - dns, dns_search, dns_opt, cap_add, cap_drop, expose, links, profiles, label_file,
//     build.tags/platforms, networks.*.aliases: append without repeats; other lists
//     (security_opt, group_add, volumes_from, external_links, ...) append as they are;
//   - logging: two different drivers mean the override's logging replaces the base's;
//   - build: a string is {context: string} when merged with a mapping;
//   - `!reset` on an override value removes the key; `!override` replaces the base value
//     instead of merging; neither tag survives into the result.
// Override nodes keep their marks, so errors later point at the file that won.
#pragma once

#include "compose/node.hpp"

namespace stack::compose {

// Merges a whole compose file tree `override` into `base`.
void merge_files(Node& base, const Node& override);

// Merges one service definition `override` into `base` (used by extends too).
// `path` is the tree path of the service (for errors), e.g. "services.web".
void merge_service(Node& base, const Node& override, std::string_view path);

// Drops every `!reset` node left in a tree (a reset with nothing to reset) and every
// leftover `!override` tag. The loader runs it on the final tree (also for one file).
void strip_reset(Node& root);

}  // namespace stack::compose
