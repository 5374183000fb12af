#include "image/tar_builder.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <memory>
#include <stdexcept>

namespace stack::testing {

namespace {

using Writer = std::unique_ptr<archive, int (*)(archive*)>;
using Entry = std::unique_ptr<archive_entry, void (*)(archive_entry*)>;

void check(archive* a, int status, const char* what) {
  if (status < ARCHIVE_WARN) throw std::runtime_error(std::string("tar builder: ") + what + ": " +
                                                      (archive_error_string(a) ? archive_error_string(a) : "?"));
}

la_ssize_t append(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

// Compresses a finished tar as `gzip` or `zstd` would: the tar's own padding is inside
// the compressed stream, and nothing follows it (libarchive's writer would otherwise pad
// the compressed output to its block size).
std::string compress(const std::string& tar, Compression compression) {
  std::string out;
  Writer writer(archive_write_new(), &archive_write_free);
  archive* a = writer.get();
  check(a, archive_write_set_format_raw(a), "raw format");
  check(a, compression == Compression::Gzip ? archive_write_add_filter_gzip(a) : archive_write_add_filter_zstd(a),
        "compression filter");
  check(a, archive_write_set_bytes_in_last_block(a, 1), "no padding");
  check(a, archive_write_open(a, &out, nullptr, &append, nullptr), "open");
  Entry entry(archive_entry_new(), &archive_entry_free);
  archive_entry_set_pathname(entry.get(), "layer.tar");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(tar.size()));
  check(a, archive_write_header(a, entry.get()), "raw header");
  if (archive_write_data(a, tar.data(), tar.size()) != static_cast<la_ssize_t>(tar.size()))
    check(a, ARCHIVE_FATAL, "compress");
  check(a, archive_write_close(a), "close");
  return out;
}

Entry make_entry(const TarEntry& e) {
  Entry entry(archive_entry_new(), &archive_entry_free);
  archive_entry_set_pathname(entry.get(), e.name.c_str());
  archive_entry_set_filetype(entry.get(), e.type);
  archive_entry_set_perm(entry.get(), e.perm);
  archive_entry_set_uid(entry.get(), e.uid);
  archive_entry_set_gid(entry.get(), e.gid);
  archive_entry_set_mtime(entry.get(), e.mtime, e.mtime_nsec);
  if (e.type == S_IFREG && e.hard_link.empty()) archive_entry_set_size(entry.get(), static_cast<la_int64_t>(e.content.size()));
  if (e.type == S_IFLNK) archive_entry_set_symlink(entry.get(), e.link.c_str());
  if (!e.hard_link.empty()) archive_entry_set_hardlink(entry.get(), e.hard_link.c_str());
  if (e.type == S_IFCHR || e.type == S_IFBLK) {
    archive_entry_set_rdevmajor(entry.get(), e.major);
    archive_entry_set_rdevminor(entry.get(), e.minor);
  }
  for (const auto& [name, value] : e.xattrs)
    archive_entry_xattr_add_entry(entry.get(), name.c_str(), value.data(), value.size());
  return entry;
}

}  // namespace

TarBuilder& TarBuilder::file(const std::string& name, const std::string& content, mode_t perm) {
  return add(TarEntry(name, S_IFREG).with_perm(perm).holding(content));
}

TarBuilder& TarBuilder::dir(const std::string& name, mode_t perm) {
  return add(TarEntry(name, S_IFDIR).with_perm(perm));
}

TarBuilder& TarBuilder::symlink(const std::string& name, const std::string& target) {
  return add(TarEntry(name, S_IFLNK).with_perm(0777).pointing_to(target));
}

TarBuilder& TarBuilder::hard_link(const std::string& name, const std::string& target) {
  return add(TarEntry(name, S_IFREG).linked_to(target));
}

TarBuilder& TarBuilder::add(TarEntry entry) {
  entries_.push_back(std::move(entry));
  return *this;
}

std::string TarBuilder::build(Compression compression) const {
  std::string tar;
  Writer writer(archive_write_new(), &archive_write_free);
  archive* a = writer.get();
  check(a, archive_write_set_format_pax_restricted(a), "pax format");
  check(a, archive_write_add_filter_none(a), "no filter");
  check(a, archive_write_open(a, &tar, nullptr, &append, nullptr), "open");
  for (const TarEntry& e : entries_) {
    Entry entry = make_entry(e);
    check(a, archive_write_header(a, entry.get()), e.name.c_str());
    if (e.type == S_IFREG && e.hard_link.empty() && !e.content.empty())
      if (archive_write_data(a, e.content.data(), e.content.size()) != static_cast<la_ssize_t>(e.content.size()))
        check(a, ARCHIVE_FATAL, e.name.c_str());
  }
  check(a, archive_write_close(a), "close");
  return compression == Compression::None ? tar : compress(tar, compression);
}

}  // namespace stack::testing
