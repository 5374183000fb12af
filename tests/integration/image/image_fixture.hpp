// Images made in a test store without a registry: layer tars (tar_builder.hpp, or a
// directory tree written with TarWriter) unpacked with unpack_layer and recorded as a
// pull would record them. Plus reading tar files back, for the archive tests.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/image/store.hpp"

namespace stack::testing {

// A temporary directory, removed with everything in it by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct ReadEntry {
  std::string name;
  unsigned type = 0;    // AE_IFREG, AE_IFDIR, AE_IFLNK, ...
  std::string content;  // of a regular file
  std::string link;     // a symlink's target
};

// A directory tree (files, directories, symlinks) as a plain layer tar at `path`.
void write_tree_tar(const std::string& path, const std::string& dir);
// Every entry of a tar file (plain or gzip), in order.
std::vector<ReadEntry> read_tar(const std::string& path);

// Adds an image whose layers are these tar files (bottom first, each plain or gzip; each
// becomes a blob as is) under `references` (full references); returns its record.
engine::image::ImageRecord add_test_image(const engine::image::ImageStore& store,
                                          const std::vector<std::string>& layer_tars,
                                          const std::vector<std::string>& references,
                                          const std::string& cmd = "sh");

// What a directory holds, for comparing trees: one line per entry, sorted by path, with
// its type and mode, owner, mtime, and content digest or link target.
std::string tree_listing(const std::string& dir);

// Names of the files in a directory (empty when it does not exist).
std::vector<std::string> dir_names(const std::string& dir);

}  // namespace stack::testing
