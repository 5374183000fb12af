#include "engine/image/layer_unpack.hpp"

#include <archive_entry.h>

#include "engine/image/layer_stream.hpp"
#include "engine/image/layer_writer.hpp"

namespace stack::engine::image {

UnpackedLayer unpack_layer(int in_fd, const std::string& dest, int tee_fd) {
  LayerWriter writer(dest);
  LayerStream stream(in_fd, tee_fd);
  while (archive_entry* entry = stream.next_entry()) writer.write(entry, stream);
  stream.finish();
  writer.finish();
  return UnpackedLayer{stream.diff_id(), stream.size(), writer.content_size()};
}

UnpackedLayer digest_layer(int in_fd) {
  LayerStream stream(in_fd, -1);
  uint64_t content_size = 0;
  // Every header is read (libarchive skips the data), so a stream that is not a whole
  // tar fails here as it would on unpack.
  while (archive_entry* entry = stream.next_entry()) {
    if (archive_entry_filetype(entry) == AE_IFREG && !archive_entry_hardlink(entry))
      content_size += static_cast<uint64_t>(archive_entry_size(entry));
  }
  stream.finish();
  return UnpackedLayer{stream.diff_id(), stream.size(), content_size};
}

}  // namespace stack::engine::image
