// `image import`: a single-layer image from a root filesystem tarball (plain, gzip or
// zstd), as `docker import` makes one, with `--change` instructions applied to its config.
#pragma once

#include <string>
#include <vector>

#include "engine/image/oci.hpp"
#include "engine/image/store.hpp"

namespace stack::engine::image {

struct ImportOptions {
  std::vector<std::string> changes;  // "CMD [\"/bin/sh\"]", "ENV A=1", ...
  std::string message;               // --message: the history comment
  std::string reference;             // "name[:tag]", or "" for an untagged image
  std::string source = "-";          // what the history says it was imported from
};

// Applies one --change instruction: CMD, ENTRYPOINT (JSON or shell form), ENV (k=v ... or
// "k v"), WORKDIR, EXPOSE, USER, LABEL, VOLUME, STOPSIGNAL. Anything else is a
// stack::Error naming the instruction ("--change \"RUN x\": RUN is not supported by
// import; supported: CMD, ...").
void apply_change(ContainerDefaults& config, const std::string& change);

// Reads the tarball from `in_fd` to its end. The options are all checked before anything
// is read; a bad tarball leaves the store as it was. Returns the new image.
ImageEntry import_image(const ImageStore& store, int in_fd, const ImportOptions& options);

}  // namespace stack::engine::image
