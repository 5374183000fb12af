#include "engine/image/tar_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <memory>
#include <vector>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::engine::image {
namespace {

constexpr size_t kChunk = 256 * 1024;

struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

}  // namespace

TarWriter::TarWriter(int fd) : archive_(archive_write_new()) {
  if (archive_ == nullptr) throw Error("cannot create a tar writer: out of memory");
  const bool ok = archive_write_set_format_pax_restricted(archive_) == ARCHIVE_OK &&
                  archive_write_add_filter_none(archive_) == ARCHIVE_OK &&
                  // Records end the archive, not 10 KiB blocks: what docker (Go's tar) writes.
                  archive_write_set_bytes_in_last_block(archive_, 1) == ARCHIVE_OK &&
                  archive_write_open_fd(archive_, fd) == ARCHIVE_OK;
  if (!ok) {
    Error error(std::string("cannot start the tar archive: ") + archive_error_string(archive_));
    archive_write_free(archive_);
    throw error;
  }
}

TarWriter::~TarWriter() {
  // Without finish(), closing would write the end-of-archive blocks after a failed
  // entry and make a broken archive look complete: fail the writer first.
  if (!finished_) archive_write_fail(archive_);
  archive_write_free(archive_);
}

void TarWriter::write_header(const std::string& name, unsigned type_and_mode, int64_t size, const std::string& link) {
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_mode(entry.get(), type_and_mode);
  archive_entry_set_size(entry.get(), size);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_mtime(entry.get(), 0, 0);
  if (!link.empty()) archive_entry_set_symlink(entry.get(), link.c_str());
  if (archive_write_header(archive_, entry.get()) != ARCHIVE_OK) {
    throw Error("cannot write tar entry \"" + name + "\": " + archive_error_string(archive_));
  }
}

void TarWriter::write_data(const void* data, size_t size, const std::string& name) {
  if (size == 0) return;
  if (archive_write_data(archive_, data, size) != static_cast<la_ssize_t>(size)) {
    throw Error("cannot write tar entry \"" + name + "\": " + archive_error_string(archive_));
  }
}

void TarWriter::add_directory(const std::string& name, unsigned mode) {
  write_header(name, AE_IFDIR | (mode & 07777), 0);
}

void TarWriter::add_file(const std::string& name, std::string_view content, unsigned mode) {
  write_header(name, AE_IFREG | (mode & 07777), static_cast<int64_t>(content.size()));
  write_data(content.data(), content.size(), name);
}

void TarWriter::add_file_from(const std::string& name, const std::string& path, unsigned mode) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw syscall_error("open " + path);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) throw syscall_error("stat " + path);
  write_header(name, AE_IFREG | (mode & 07777), st.st_size);
  std::vector<char> buf(kChunk);
  int64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw syscall_error("read " + path);
    if (n == 0) break;
    if (total + n > st.st_size) break;  // grew: reported below
    write_data(buf.data(), static_cast<size_t>(n), name);
    total += n;
  }
  if (total != st.st_size) throw Error("cannot write tar entry \"" + name + "\": " + path + " changed while it was read");
}

void TarWriter::add_symlink(const std::string& name, const std::string& target) {
  write_header(name, AE_IFLNK | 0777, 0, target);
}

void TarWriter::finish() {
  if (archive_write_close(archive_) != ARCHIVE_OK) {
    throw Error(std::string("cannot finish the tar archive: ") + archive_error_string(archive_));
  }
  finished_ = true;
}

}  // namespace stack::engine::image
