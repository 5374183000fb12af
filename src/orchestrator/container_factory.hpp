// One compose container made for real: the blueprint (blueprint.hpp) completed with its
// image, its volumes (named, anonymous kept from the container it replaces, image VOLUMEs,
// copy-up), volumes_from, and its network from the NetworkDriver, then created.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compose/model.hpp"
#include "engine/container_image.hpp"
#include "orchestrator/blueprint.hpp"
#include "orchestrator/context.hpp"

namespace stack::orchestrator {

struct MadeContainer {
  std::string id;
  std::string name;
};

// `kept`: the anonymous volumes of the container this one replaces (anonymous_volumes()),
// mounted again at the same paths. Nothing is left when it fails.
MadeContainer make_container(Context& ctx, const compose::Project& project, const compose::Service& service,
                             int number, const engine::ImageForContainer& image,
                             const std::map<std::string, std::string>& kept);

// The same from a blueprint made by the caller (a one-off container's, oneoff.hpp).
MadeContainer make_from_blueprint(Context& ctx, const std::string& project, const std::string& service, Blueprint b,
                                  const engine::ImageForContainer& image, const std::map<std::string, std::string>& kept);

// A container whose records were never completed (a `stack` killed while creating it)
// holds `name` without being anyone's: it is removed so that the name can be used.
// A real container holding the name is left alone (its conflict is the user's to see).
void clear_half_made(Context& ctx, const std::string& name);

// Every half-made container holding a name that starts with `prefix` ("project-").
void clear_half_made_with_prefix(Context& ctx, const std::string& prefix);

// The anonymous volumes of a container: its mount target -> volume name.
std::map<std::string, std::string> anonymous_volumes(Context& ctx, const std::string& container_id);

// The first container of a service of the project (for service:x), or "" when none.
std::string service_container(Context& ctx, const std::string& project, const std::string& service);

}  // namespace stack::orchestrator
