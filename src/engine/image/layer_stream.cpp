#include "engine/image/layer_stream.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::engine::image {

namespace {

constexpr const char* kNotTar = "not a tar archive (gzip, zstd or plain tar expected)";
constexpr size_t kReadBlock = 128 * 1024;

std::string archive_message(archive* a, const std::string& fallback) {
  const char* text = archive_error_string(a);
  return text ? text : fallback;
}

// Registering a filter returns ARCHIVE_WARN when libarchive would run an external
// program instead of its built-in decoder: refuse that rather than spawn "zstd -d".
void require_builtin(archive* a, int status, const char* what) {
  if (status != ARCHIVE_OK) throw Error(std::string("layer reader: no built-in ") + what + " support: " +
                                        archive_message(a, "unknown error"));
}

}  // namespace

LayerStream::LayerStream(int in_fd, int tee_fd) : tee_fd_(tee_fd) {
  raw_ = archive_read_new();
  tar_ = archive_read_new();
  if (!raw_ || !tar_) {
    archive_read_free(raw_);
    archive_read_free(tar_);
    throw Error("layer reader: out of memory");
  }
  require_builtin(raw_, archive_read_support_filter_gzip(raw_), "gzip");
  require_builtin(raw_, archive_read_support_filter_zstd(raw_), "zstd");
  require_builtin(raw_, archive_read_support_format_raw(raw_), "raw format");
  require_builtin(tar_, archive_read_support_format_tar(tar_), "tar format");
  archive_entry* entry = nullptr;
  if (archive_read_open_fd(raw_, in_fd, kReadBlock) != ARCHIVE_OK ||
      archive_read_next_header(raw_, &entry) != ARCHIVE_OK) {
    // The raw format takes any bytes but none at all: an empty input is not a tar.
    // libarchive reports "no format matched" as EILSEQ on Linux (ARCHIVE_ERRNO_FILE_FORMAT,
    // private), read errors with their own errno.
    std::string message = archive_errno(raw_) == EILSEQ
                               ? kNotTar
                               : "read layer: " + archive_message(raw_, "unknown error");
    archive_read_free(raw_);
    archive_read_free(tar_);
    throw Error(message);
  }
  if (archive_read_open(tar_, this, nullptr, &LayerStream::read_tar_bytes, nullptr) != ARCHIVE_OK) {
    // Opening reads the first bytes to find the format: with the stream intact, a
    // failure means they are not tar.
    std::string message = stream_error_.empty() ? kNotTar : "read layer: " + stream_error_;
    archive_read_free(tar_);
    archive_read_free(raw_);
    throw Error(message);
  }
}

LayerStream::~LayerStream() {
  // The tar reader may still point into the raw reader's buffers: free it first.
  archive_read_free(tar_);
  archive_read_free(raw_);
}

ssize_t LayerStream::read_tar_bytes(archive*, void* self, const void** buffer) {
  return static_cast<LayerStream*>(self)->pull(buffer);
}

// Hands the tar reader the next decompressed block, which stays valid until the next
// call (libarchive's contract for both readers). Runs inside libarchive's C frames, so
// failures are recorded, never thrown.
ssize_t LayerStream::pull(const void** buffer) {
  while (!raw_eof_) {
    size_t size = 0;
    la_int64_t offset = 0;
    int status = archive_read_data_block(raw_, buffer, &size, &offset);
    if (status == ARCHIVE_EOF) {
      raw_eof_ = true;
      break;
    }
    if (status != ARCHIVE_OK) {
      if (stream_error_.empty()) stream_error_ = archive_message(raw_, "decompression failed");
      return ARCHIVE_FATAL;
    }
    if (size == 0) continue;
    hasher_.update(*buffer, size);
    size_ += size;
    if (tee_fd_ >= 0 && !base::write_all(tee_fd_, {static_cast<const char*>(*buffer), size})) {
      if (stream_error_.empty()) stream_error_ = std::string("write the tar copy: ") + std::strerror(errno);
      return ARCHIVE_FATAL;
    }
    return static_cast<ssize_t>(size);
  }
  *buffer = nullptr;
  return 0;
}

void LayerStream::fail_tar(const std::string& operation) {
  // A failure of the decompressor or the tee is the cause of whatever the tar reader says.
  if (!stream_error_.empty()) throw Error("read layer: " + stream_error_);
  if (!seen_header_) throw Error(kNotTar);
  throw Error(operation + ": " + archive_message(tar_, "unknown error"));
}

archive_entry* LayerStream::next_entry() {
  archive_entry* entry = nullptr;
  int status = archive_read_next_header(tar_, &entry);
  if (status == ARCHIVE_EOF) {
    // An end-of-archive block before any entry is an empty layer, which images do carry
    // (docker's empty layer is 1024 zero bytes); only an empty stream is not a tar.
    if (!seen_header_ && stream_error_.empty() && size_ == 0) throw Error(kNotTar);
    return nullptr;
  }
  // ARCHIVE_WARN: the entry is usable (e.g. a name not convertible to the locale).
  if (status < ARCHIVE_WARN || !entry) fail_tar("read layer");
  seen_header_ = true;
  return entry;
}

uint64_t LayerStream::copy_data(int fd) {
  uint64_t written = 0;
  while (true) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int status = archive_read_data_block(tar_, &block, &size, &offset);
    if (status == ARCHIVE_EOF) return written;
    if (status != ARCHIVE_OK) fail_tar("read file data");
    const char* data = static_cast<const char*>(block);
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd, data + done, size - done, offset + static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw Error(std::string("write file data: ") + std::strerror(n < 0 ? errno : EIO));
      done += static_cast<size_t>(n);
    }
    written += size;
  }
}

void LayerStream::finish() {
  const void* block = nullptr;
  while (pull(&block) > 0) {
  }
  if (!stream_error_.empty()) throw Error("read layer: " + stream_error_);
  diff_id_ = hasher_.digest();
}

}  // namespace stack::engine::image
