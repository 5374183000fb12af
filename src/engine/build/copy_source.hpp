// One matched COPY source as the list of entries copying it touches, in the order they
// are copied (a directory before what it holds), with what ignore rules leave out
// already left out. The digest and the copy both read this list, so the cache key
// covers exactly what is copied.
//
// The matched path itself is resolved inside the source root, following a symlink as
// Docker does for a source; beneath it nothing is followed: symlinks are entries.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "base/unique_fd.hpp"

namespace stack::engine::build {

class IgnoreRules;

struct SourceEntry {
  std::string rel;  // beneath the matched path, "" for the matched path itself
  struct stat st;
};

class SourceTree {
 public:
  // Throws stack::Error naming the source.
  SourceTree(int src_root_fd, const std::string& matched, const IgnoreRules& ignore);

  const std::string& matched() const { return matched_; }
  const std::vector<SourceEntry>& entries() const { return entries_; }
  const struct stat& top() const { return entries_.front().st; }

  // A regular file's data, opened for reading.
  UniqueFd open_file(const std::string& rel) const;
  // A symlink's target text.
  std::string read_link(const std::string& rel) const;

 private:
  void list(int dir_fd, const std::string& rel, const IgnoreRules& ignore);
  std::string context_path(const std::string& rel) const;

  int src_root_fd_;
  std::string matched_;
  UniqueFd top_;  // O_PATH: the matched entry, symlink followed
  std::vector<SourceEntry> entries_;
};

// True for what COPY copies at all: Docker's tar of the context has no sockets.
bool copied_type(mode_t mode);

}  // namespace stack::engine::build
