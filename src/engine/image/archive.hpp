// `image save` and `image load`: images to and from one tar archive, in the format
// `docker save` writes since Docker 25 (an OCI image layout with docker's manifest.json
// beside it), so the archives go both ways between stack and docker:
//
//   oci-layout              {"imageLayoutVersion": "1.0.0"}
//   index.json              an OCI index: one entry per reference saved, annotated with
//                           io.containerd.image.name (full reference) and
//                           org.opencontainers.image.ref.name (the tag)
//   manifest.json           docker's: [{"Config": "blobs/sha256/<id>", "RepoTags": [...],
//                           "Layers": ["blobs/sha256/<hex>", ...]}]
//   blobs/sha256/<hex>      manifests, configs and layers, each once
//
// `load` also reads the older docker format (<hex>/layer.tar, <hex>.json, manifest.json,
// layer.tar symlinks between layers) and plain OCI archives (index.json only), gzip or
// zstd compressed or not. Every blob is verified against its digest, every layer against
// the config's diff IDs; entries outside the expected names are ignored, and names with
// ".." or absolute names are refused. A bad archive leaves the store as it was.
#pragma once

#include <string>
#include <vector>

#include "engine/image/store.hpp"

namespace stack::engine::image {

// Writes the images `names` (references or ids, as `find` takes them) to `out_fd`.
// A name that is not in the store is a stack::Error ("No such image: x") before anything
// is written.
void save_images(const ImageStore& store, const std::vector<std::string>& names, int out_fd);

struct LoadedImage {
  std::string id;
  std::vector<std::string> references;  // full references it was tagged with ("" none)
};

// Reads an archive from `in_fd` (to its end) into the store.
std::vector<LoadedImage> load_images(const ImageStore& store, int in_fd);

}  // namespace stack::engine::image
