// The first step of `image load`: the archive read once, as a stream (it may come from a
// pipe), with the files an image archive is made of copied into a temporary directory
// and hashed on the way. Internal to archive_load.cpp.
//
// Kept: regular files named manifest.json, index.json, oci-layout, repositories,
// blobs/sha256/<hex>, <hex>/layer.tar, <hex>/json, <hex>/VERSION and <hex>.json (<hex>:
// 64 hex digits), and symlinks or hard links with those names, as aliases (old docker
// links a layer an image shares to the first copy: <b>/layer.tar -> ../<a>/layer.tar).
// Everything else is skipped. A name with ".." or a leading "/", a link leading outside
// the archive, and a blobs/sha256/<hex> whose content has another digest are errors
// naming the entry.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace stack::engine::image {

struct ArchiveFile {
  std::string path;    // the copy in the temporary directory
  std::string digest;  // "sha256:..." of its content
  int64_t size = 0;
};

class ArchiveFiles {
 public:
  // The file `name` stands for, following aliases; nullptr when the archive has none.
  const ArchiveFile* find(const std::string& name) const;
  // As find, but a missing file is a stack::Error saying who named it ("manifest.json").
  const ArchiveFile& get(const std::string& name, const std::string& named_by) const;
  // The whole content (for the small JSON documents only).
  std::string read(const std::string& name, const std::string& named_by) const;

  std::map<std::string, ArchiveFile> files;    // by normalized archive name
  std::map<std::string, std::string> aliases;  // link name -> the name it leads to
};

// Reads the archive (plain tar, or gzip or zstd compressed) from `in_fd` to its end;
// the files go into `dir`, an existing empty directory the caller removes.
ArchiveFiles read_archive_files(int in_fd, const std::string& dir);

// "./a/b" -> "a/b"; throws stack::Error for a name with a ".." component or a leading
// "/" (`what` names the entry in the message).
std::string normalize_archive_name(std::string_view name, std::string_view what);
// True for the names listed above (normalized).
bool is_image_archive_name(std::string_view name);

}  // namespace stack::engine::image
