// A layer made from a directory of changes: an overlay upper directory as a build step
// leaves it (a RUN's container, a COPY into an overlay). The directory is written as a
// tar stream in OCI form (overlay whiteouts, character devices 0/0, become `.wh.<name>`;
// a directory with trusted.overlay.opaque="y" gets a `.wh..wh..opq` entry), then unpacked
// as any pulled layer is, so the store only ever holds layers its own unpacker made.
#pragma once

#include <optional>
#include <string>

#include "engine/image/store.hpp"

namespace stack::engine::image {

// Writes the tar stream of `upper`'s contents (not `upper` itself) to `fd`: entries in
// name order, numeric owners, modes, mtimes, xattrs (overlay's own trusted.overlay.*
// left out), hard links among its files, symlinks, devices and fifos; sockets skipped.
void write_diff_tar(const std::string& upper, int fd);

// The layer `upper` makes, committed to the store (blob and unpacked directory, named by
// its diff ID; the blob is kept uncompressed). nullopt when `upper` holds nothing.
// Callers hold store.lock_for_adding() until an image record names the layer.
std::optional<LayerRecord> commit_diff(const ImageStore& store, const std::string& upper);

}  // namespace stack::engine::image
