// The second step of `image load`: which images an archive holds, read from its
// documents (docker's manifest.json when there is one, else the OCI index.json), before
// any content is looked at. Internal to archive_load.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/image/archive_files.hpp"
#include "engine/image/oci.hpp"

namespace stack::engine::image {

struct ImagePlan {
  std::string config;               // archive name of the config
  std::vector<std::string> layers;  // archive names of the layer archives, bottom first
  // The archive's own manifest for the image (a blobs/sha256 name's descriptor): kept as
  // is, so the image has the same manifest digest after `save` and `load`. nullopt when
  // the archive has none (old docker archives): the loader makes one.
  std::optional<Descriptor> manifest;
  std::vector<std::string> references;  // normalized, as the store's index keys them
};

// With manifest.json: one plan per entry, RepoTags as references, and the index.json
// manifest naming the same config and layers when there is one. Without it: one plan
// per index.json entry (a nested index resolved to linux/amd64), named by the entry's
// io.containerd.image.name annotation, or its org.opencontainers.image.ref.name when that
// is a full reference. Throws stack::Error for a malformed document.
std::vector<ImagePlan> plan_images(const ArchiveFiles& files);

}  // namespace stack::engine::image
