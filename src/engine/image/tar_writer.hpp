// TarWriter: a tar stream written entry by entry to a file descriptor, in the POSIX
// ustar format with a pax extended header only for what ustar cannot hold (a name or
// link target past 100 bytes, a size of 8 GiB or more): what docker (Go's archive/tar)
// writes and every tar reader accepts. Files are streamed from disk in chunks, so a
// layer of gigabytes never sits in memory.
//
// Written by hand rather than with libarchive: in the statically linked binaries any of
// libarchive's tar writers pulls in all of its write formats (archive_write_set_format.o,
// which 7zip and xar need lzma, bzip2 and libxml2 for), and only its readers fit.
//
// The add_* shortcuts give owner 0:0 and modification time 0, so saving the same images
// twice gives the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stack::engine::image {

// One entry with all of its metadata (what a layer made from a directory needs).
struct TarEntry {
  std::string name;
  char type = '0';  // '0' file, '1' hard link, '2' symlink, '3' char, '4' block device, '5' dir, '6' fifo
  unsigned mode = 0644;  // permission bits with setuid/setgid/sticky
  unsigned uid = 0, gid = 0;
  int64_t mtime = 0;  // seconds
  uint64_t size = 0;  // data bytes of a regular file
  std::string link;   // hard link's first name, or symlink target
  unsigned dev_major = 0, dev_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;  // written as SCHILY.xattr.<name> pax records
};

class TarWriter {
 public:
  explicit TarWriter(int fd) : fd_(fd) {}
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  void add_directory(const std::string& name, unsigned mode = 0755);
  void add_file(const std::string& name, std::string_view content, unsigned mode = 0644);
  // The content of the file at `path`, read in chunks; throws if it changes size meanwhile.
  void add_file_from(const std::string& name, const std::string& path, unsigned mode = 0644);
  void add_symlink(const std::string& name, const std::string& target);
  // A regular file's data is read from `data_fd` (exactly entry.size bytes).
  void add_entry(const TarEntry& entry, int data_fd = -1);
  // Writes the end-of-archive blocks. Without it the archive reads as truncated.
  void finish();
  // Bytes of the stream written so far (`cp` reports what it moved).
  uint64_t bytes_written() const { return written_; }

 private:
  void write_header(const TarEntry& entry);
  void copy_data(int fd, uint64_t size, const std::string& name);
  void write(std::string_view data, const std::string& name);
  void pad(uint64_t size, const std::string& name);

  int fd_;
  uint64_t written_ = 0;
};

}  // namespace stack::engine::image
