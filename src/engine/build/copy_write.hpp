// Writes COPY's entries into the destination root, one at a time: each entry's parent
// directory is resolved inside the root (copy_root.hpp) and the entry is created by its
// last component in that directory fd, replacing what was there. Owner is the --chown
// ids or 0:0, mode the source's or --chmod's, times the source's (directories' once
// their contents are written: finish()).
#pragma once

#include <time.h>

#include <string>
#include <vector>

#include "engine/build/copy.hpp"
#include "engine/build/copy_source.hpp"

namespace stack::engine::build {

class CopyWriter {
 public:
  CopyWriter(int dst_root_fd, const CopyOptions& options);

  // The directory `path` (relative to the root), made with its missing parents (0755,
  // owned as the copy is) if it is not there; an existing one is left as it is.
  void make_dirs(const std::string& path);

  // A directory source's contents into the directory `target`, or any other source to
  // the path `target`.
  void copy_tree(const SourceTree& tree, const std::string& target);

  // Sets the copied directories' times.
  void finish();

  uid_t uid() const { return uid_; }
  gid_t gid() const { return gid_; }

 private:
  struct DirTimes {
    std::string path;
    timespec times[2];
  };

  void write_entry(const SourceTree& tree, const SourceEntry& entry, const std::string& path);
  void write_directory(int parent_fd, const std::string& base, const std::string& path, const SourceEntry& entry);
  void write_file(int parent_fd, const std::string& base, const SourceTree& tree, const SourceEntry& entry);
  void write_node(int parent_fd, const std::string& base, const SourceTree& tree, const SourceEntry& entry);
  mode_t mode_of(const struct stat& st) const;

  int root_;
  CopyOptions options_;
  uid_t uid_;
  gid_t gid_;
  std::vector<DirTimes> dir_times_;
};

// Copies all of in_fd's data to out_fd (copy_file_range where the filesystems allow it).
void copy_data(int in_fd, int out_fd);

}  // namespace stack::engine::build
