// Turns a layer archive into a directory an overlay mount can use as a lower layer.
//
// The archive is a tar stream, uncompressed or compressed with gzip or zstd (detected
// from its first bytes, not from a media type: registries mislabel). Entries are written
// with their modes, ownership (numeric uid/gid), modification times, xattrs, hard links,
// symlinks, device nodes and fifos. OCI whiteouts become overlay whiteouts:
//   dir/.wh.name         -> dir/name as a character device 0/0
//   dir/.wh..wh..opq     -> xattr trusted.overlay.opaque="y" on dir
// Nothing is ever written outside `dest`: entry names with "..", absolute names, and
// writes through symlinks or hard links that lead outside are refused (every path is
// resolved beneath `dest` with openat2 RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS, so a
// symlink planted by an earlier entry cannot redirect a later one).
#pragma once

#include <cstdint>
#include <string>

namespace stack::engine::image {

struct UnpackedLayer {
  std::string diff_id;        // "sha256:..." of the uncompressed tar stream
  uint64_t tar_size = 0;      // bytes of the uncompressed tar stream
  uint64_t content_size = 0;  // bytes of regular file content written
};

// Reads the whole archive from `in_fd` (a file or a pipe; read to its end) and unpacks
// it into `dest`, an existing empty directory. When `tee_fd` >= 0 the uncompressed tar
// stream is also written there as it is read (import keeps it as the layer's blob).
// Throws stack::Error naming the entry and the cause ("layer entry \"../x\": path
// escapes the layer directory", "not a tar archive (gzip, zstd or plain tar expected)").
// On error `dest` may hold part of the layer: callers unpack into a temporary
// directory and rename it into place only on success.
UnpackedLayer unpack_layer(int in_fd, const std::string& dest, int tee_fd = -1);

// Computes the diff ID of a layer archive without unpacking it (decompressing as above,
// and reading every tar header, so a stream that is not a whole tar fails as it would
// on unpack). content_size is the sum of the regular files' sizes.
UnpackedLayer digest_layer(int in_fd);

}  // namespace stack::engine::image
