// Reads a layer archive as tar entries while hashing the uncompressed stream, in one
// pass over the input (which may be a pipe: a download being written as it is read).
//
// Two libarchive readers are chained. The first detects gzip or zstd (or neither) and
// hands out the decompressed bytes unchanged through its "raw" format; every byte it
// hands out is hashed, counted and copied to the tee fd exactly once. The second reads
// those bytes as a tar through custom read callbacks. After the tar's end marker the
// rest of the stream (the zero blocks padding the last record) is drained, so the diff
// ID covers every byte, as `sha256sum` of the uncompressed file would.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "engine/image/digest.hpp"

struct archive;
struct archive_entry;

namespace stack::engine::image {

class LayerStream {
 public:
  // Detects the compression at once; throws stack::Error for an input that is neither
  // gzip, zstd nor anything at all.
  LayerStream(int in_fd, int tee_fd);
  ~LayerStream();
  LayerStream(const LayerStream&) = delete;
  LayerStream& operator=(const LayerStream&) = delete;

  // The next tar entry (valid until the next call), or nullptr after the end marker.
  // Throws "not a tar archive (gzip, zstd or plain tar expected)" for a first header
  // that is not tar, or the decompressor's or tar reader's error.
  archive_entry* next_entry();

  // Writes the current entry's data to `fd` at the offsets the archive gives (holes of
  // sparse files stay holes); returns the bytes written. Throws on a read or write error.
  uint64_t copy_data(int fd);

  // Reads the stream to its end. Throws if it is truncated or corrupt.
  void finish();

  // Valid after finish().
  const std::string& diff_id() const { return diff_id_; }
  uint64_t size() const { return size_; }

 private:
  static ssize_t read_tar_bytes(archive* tar, void* self, const void** buffer);
  ssize_t pull(const void** buffer);
  [[noreturn]] void fail_tar(const std::string& operation);

  archive* raw_ = nullptr;  // decompression: gzip/zstd filters, "raw" format
  archive* tar_ = nullptr;  // tar format over raw_'s output
  int tee_fd_;
  Sha256 hasher_;
  bool raw_eof_ = false;
  bool seen_header_ = false;
  std::string stream_error_;  // the first failure inside a read callback
  std::string diff_id_;
  uint64_t size_ = 0;
};

}  // namespace stack::engine::image
