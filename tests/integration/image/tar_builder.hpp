// Layer archives for tests, written into memory as pax tar (ustar headers, plus a pax
// extended header for xattrs and sub-second times): any entry name (also "../x" or
// "/abs", which tar(1) would clean), numeric owners, modes, times and xattrs exactly as
// given. Compressed with zlib and libzstd directly: libarchive's writers cannot be used,
// since any of its tar writers pulls in all of its formats (7zip, xar: lzma, bzip2,
// libxml2), which the statically linked test binary does not have.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stack::testing {

enum class Compression { None, Gzip, Zstd };

// One entry; the fluent setters keep the tests' archives readable:
//   TarEntry("srv/", S_IFDIR).with_perm(0750).owned_by(1000, 1001).modified_at(1600000000)
struct TarEntry {
  TarEntry(std::string entry_name, mode_t entry_type) : name(std::move(entry_name)), type(entry_type) {}

  TarEntry& with_perm(mode_t value) { perm = value; return *this; }
  TarEntry& owned_by(uid_t user, gid_t group) { uid = user; gid = group; return *this; }
  TarEntry& modified_at(int64_t sec, long nsec = 0) { mtime = sec; mtime_nsec = nsec; return *this; }
  TarEntry& holding(std::string data) { content = std::move(data); return *this; }
  TarEntry& pointing_to(std::string target) { link = std::move(target); return *this; }
  TarEntry& linked_to(std::string target) { hard_link = std::move(target); return *this; }
  TarEntry& device(unsigned maj, unsigned min) { major = maj; minor = min; return *this; }
  TarEntry& with_xattr(const std::string& key, std::string value) { xattrs[key] = std::move(value); return *this; }

  std::string name;
  mode_t type;            // S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO
  mode_t perm = 0644;
  uid_t uid = 0;
  gid_t gid = 0;
  int64_t mtime = 1700000000;
  long mtime_nsec = 0;
  std::string content;    // regular files
  std::string link;       // symlink target
  std::string hard_link;  // makes this entry a hard link to an earlier one
  unsigned major = 0, minor = 0;
  std::map<std::string, std::string> xattrs;
};

// gzip of `data` (what registries serve), with zlib.
std::string gzip(const std::string& data);

class TarBuilder {
 public:
  TarBuilder& file(const std::string& name, const std::string& content, mode_t perm = 0644);
  TarBuilder& dir(const std::string& name, mode_t perm = 0755);
  TarBuilder& symlink(const std::string& name, const std::string& target);
  TarBuilder& hard_link(const std::string& name, const std::string& target);
  // Any other entry, fully described.
  TarBuilder& add(TarEntry entry);

  // The archive: a tar padded to 10240-byte records as tar(1) writes it (zero blocks
  // after the end marker), then compressed.
  std::string build(Compression compression = Compression::None) const;

 private:
  std::vector<TarEntry> entries_;
};

}  // namespace stack::testing
