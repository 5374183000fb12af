// What every `stack image` command starts from: the image store under the state root,
// and which images containers are made from (they may not be removed under them).
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/container_engine.hpp"
#include "engine/image/registry_client.hpp"
#include "engine/image/store.hpp"

namespace stack::cli {

inline engine::image::ImageStore image_store_from(const GlobalOptions& global) {
  return engine::image::ImageStore(engine::Layout(engine::resolve_roots(global.root, global.run_root)).image_dir());
}

// (image id, container name) for every container made from an image.
std::vector<std::pair<std::string, std::string>> images_in_use(const GlobalOptions& global);

// Mirrors and insecure registries from the config file under the state root (or /etc/stack).
engine::image::ClientOptions registry_options(const GlobalOptions& global);

}  // namespace stack::cli
