// TarWriter: a tar stream written entry by entry to a file descriptor (libarchive's pax
// restricted format: plain ustar headers unless a name or size needs a pax extension,
// which is what docker and every tar reader accept). Files are streamed from disk in
// chunks, so a layer of gigabytes never sits in memory.
//
// Entries get owner 0:0 and modification time 0, so saving the same images twice gives
// the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct archive;

namespace stack::engine::image {

class TarWriter {
 public:
  explicit TarWriter(int fd);
  ~TarWriter();  // frees the writer; an archive not finish()ed is left incomplete
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  void add_directory(const std::string& name, unsigned mode = 0755);
  void add_file(const std::string& name, std::string_view content, unsigned mode = 0644);
  // The content of the file at `path`, read in chunks; throws if it changes size meanwhile.
  void add_file_from(const std::string& name, const std::string& path, unsigned mode = 0644);
  void add_symlink(const std::string& name, const std::string& target);
  // Writes the end-of-archive blocks and flushes; throws stack::Error on a write failure.
  void finish();

 private:
  void write_header(const std::string& name, unsigned type_and_mode, int64_t size, const std::string& link = {});
  void write_data(const void* data, size_t size, const std::string& name);

  struct archive* archive_;
  bool finished_ = false;
};

}  // namespace stack::engine::image
