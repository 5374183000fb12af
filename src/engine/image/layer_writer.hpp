// Writes tar entries into a layer directory, one at a time, in archive order: the
// entry itself (file, directory, link, device, fifo, whiteout) and then its metadata
// (numeric owner, mode with setuid/setgid/sticky, xattrs, times). Directories' times
// are set by finish(), once nothing will be written into them any more.
//
// No write uses a path from the archive as such: the entry's parent directory is
// resolved beneath the layer directory (beneath.hpp), and the entry is created by its
// last component inside that directory fd.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"

struct archive_entry;

namespace stack::engine::image {

class LayerStream;

class LayerWriter {
 public:
  // `dest` must exist; it is opened once and every entry is resolved beneath it.
  explicit LayerWriter(const std::string& dest);

  // Writes one entry, reading a regular file's data from `stream`. Throws stack::Error
  // "layer entry \"<name>\": <cause>".
  void write(archive_entry* entry, LayerStream& stream);

  // Sets the directories' times (after their contents were written).
  void finish();

  uint64_t content_size() const { return content_size_; }

 private:
  struct DirTimes {
    std::string path;
    timespec times[2];
  };

  void write_entry(const std::string& path, archive_entry* entry, LayerStream& stream);
  void write_whiteout(const std::string& parent, const std::string& target, archive_entry* entry);
  void write_opaque(const std::string& parent);
  void write_directory(int dir_fd, const std::string& path, const std::string& base, archive_entry* entry);
  void write_hard_link(int dir_fd, const std::string& path, const std::string& base, archive_entry* entry);
  void write_file(int dir_fd, const std::string& base, archive_entry* entry, LayerStream& stream);

  UniqueFd root_;
  std::vector<DirTimes> dir_times_;
  uint64_t content_size_ = 0;
};

}  // namespace stack::engine::image
