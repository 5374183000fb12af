// Directory trees written as tar entries: a layer made from an overlay upper directory
// (layer_diff.hpp) and what `cp` copies out of a container (engine/cp). Entries come in
// name order with numeric owners, modes, mtimes, xattrs (overlay's own trusted.overlay.*
// left out), hard links among the files written, symlinks, devices and fifos; sockets
// are skipped.
//
// The walk goes by directory fds and names, never by paths, and never follows a
// symlink: a tree that changes while it is read (a running container's) cannot lead
// the walk outside it.
#pragma once

#include <sys/stat.h>

#include <map>
#include <string>
#include <utility>

#include "engine/image/tar_writer.hpp"

namespace stack::engine::image {

struct TreeTarOptions {
  // An overlay upper directory: whiteouts (character devices 0/0) become `.wh.<name>`
  // entries and a directory with trusted.overlay.opaque="y" gets a `.wh..wh..opq` entry.
  bool overlay_whiteouts = false;
};

class TreeTar {
 public:
  TreeTar(TarWriter& tar, TreeTarOptions options) : tar_(tar), options_(options) {}

  // The entry `base` in the directory `dir_fd` (not followed when it is a symlink),
  // named `name`, and everything beneath it when it is a directory.
  void add(int dir_fd, const std::string& base, const std::string& name);

  // The open directory `dir_fd` itself named `name`, then its contents beneath that
  // name; with an empty `name`, only its contents, named from the top.
  void add_directory(int dir_fd, const std::string& name);

 private:
  void add_children(int dir_fd, const std::string& prefix);
  void add_file(TarEntry& e, int dir_fd, const std::string& base, const struct stat& st);
  void whiteout(const std::string& name);

  TarWriter& tar_;
  TreeTarOptions options_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;  // first name of each hard-linked inode
};

}  // namespace stack::engine::image
