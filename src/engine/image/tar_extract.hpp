// A tar archive (plain, gzip or zstd through libarchive's own filters, bzip2 and xz
// through the host's bzip2/xz programs) extracted into a directory: ADD's local archives
// and `cp` (a stream from the source side, or a user's tar on stdin). Entries keep the
// archive's owners (unless told otherwise), modes, times and xattrs. Every entry is
// resolved beneath the destination directory (beneath.hpp): a ".." name, an absolute
// symlink or a symlink climbing out cannot put a file outside it.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

struct archive_entry;

namespace stack::engine::image {

struct ExtractOptions {
  // Every entry owned by these ids instead of the archive's (`cp` without -a).
  std::optional<std::pair<uid_t, gid_t>> owner;
  // docker cp's rule: an existing directory is never replaced by a non-directory, nor
  // an existing non-directory by a directory; that is an error instead.
  bool keep_kinds = false;
};

class TarExtraction {
 public:
  // Reads the archive's first header from `fd` (a file or a pipe).
  explicit TarExtraction(int fd);
  ~TarExtraction();
  TarExtraction(const TarExtraction&) = delete;
  TarExtraction& operator=(const TarExtraction&) = delete;

  // False when `fd` did not start with a tar header (nothing was consumed but what the
  // check read); extract_to must then not be called.
  bool is_tar() const { return first_ != nullptr; }

  // Writes every entry beneath the directory `dest_fd`, then the directories' times.
  // Throws stack::Error naming the entry ("entry \"a/b\": ...").
  void extract_to(int dest_fd, const ExtractOptions& options);

 private:
  struct Reader;
  std::unique_ptr<Reader> reader_;
  archive_entry* first_ = nullptr;
};

}  // namespace stack::engine::image
