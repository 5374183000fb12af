#include "engine/image/tar_extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <vector>

#include "base/syscall_error.hpp"
#include "engine/image/beneath.hpp"
#include "engine/image/entry_metadata.hpp"
#include "engine/image/layer_path.hpp"

namespace stack::engine::image {

struct TarExtraction::Reader {
  std::unique_ptr<archive, int (*)(archive*)> handle{archive_read_new(), archive_read_free};
};

namespace {

// A warning (an unknown pax keyword, say) still gives a usable header.
bool header_read(int rc) { return rc == ARCHIVE_OK || rc == ARCHIVE_WARN; }

bool open_reader(archive* reader, int fd) {
  // Only these filters: the lean build links libarchive statically with zlib and zstd
  // alone, and the program filters need no library (they run the host's tools).
  archive_read_support_filter_gzip(reader);
  archive_read_support_filter_zstd(reader);
  archive_read_support_filter_program_signature(reader, "bzip2 -d", "BZh", 3);
  archive_read_support_filter_program_signature(reader, "xz -d", "\xFD\x37\x7A\x58\x5A\x00", 6);
  archive_read_support_filter_none(reader);
  archive_read_support_format_tar(reader);
  return archive_read_open_fd(reader, fd, 1 << 16) == ARCHIVE_OK;
}

struct DirTimes {
  std::string path;
  timespec times[2];
};

class Extraction {
 public:
  Extraction(archive* reader, int dest_fd, const ExtractOptions& options)
      : reader_(reader), dest_(dest_fd), options_(options) {}

  void write(archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    const std::string name = raw ? raw : "";
    try {
      std::optional<std::string> path = clean_entry_path(name);
      if (!path) throw Error("path escapes the destination");
      if (path->empty()) return;  // "./": the destination itself is kept as it is
      if (options_.owner) {
        archive_entry_set_uid(entry, options_.owner->first);
        archive_entry_set_gid(entry, options_.owner->second);
      }
      write_entry(*path, entry);
    } catch (const Error& e) {
      throw e.wrap("entry \"" + name + "\"");
    }
  }

  void finish() {
    for (const DirTimes& deferred : dir_times_) {
      UniqueFd dir(try_open_beneath(dest_, deferred.path, O_PATH | O_DIRECTORY | O_NOFOLLOW));
      if (dir) set_times(dir.get(), ".", deferred.times);
    }
  }

 private:
  UniqueFd parent_of(const std::string& path) {
    try {
      return make_dirs_beneath(dest_, split_entry_path(path).parent);
    } catch (const Error& e) {
      throw e.wrap("parent directory");
    }
  }

  // With keep_kinds, what is at `base` must be of the entry's kind (or absent).
  void check_kind(int parent_fd, const std::string& base, const std::string& path, bool entry_is_dir) {
    struct stat existing {};
    if (!options_.keep_kinds || ::fstatat(parent_fd, base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (S_ISDIR(existing.st_mode) && !entry_is_dir)
      throw Error("cannot overwrite directory \"" + path + "\" with non-directory");
    if (!S_ISDIR(existing.st_mode) && entry_is_dir)
      throw Error("cannot overwrite non-directory \"" + path + "\" with directory");
  }

  void write_entry(const std::string& path, archive_entry* entry) {
    UniqueFd parent = parent_of(path);
    const std::string base = split_entry_path(path).base;
    const mode_t type = archive_entry_filetype(entry);
    check_kind(parent.get(), base, path, type == AE_IFDIR && !archive_entry_hardlink(entry));
    if (const char* target = archive_entry_hardlink(entry)) return write_hard_link(parent.get(), base, path, target);
    if (type == AE_IFDIR) return write_directory(parent.get(), base, path, entry);
    remove_at(parent.get(), base);
    if (type == AE_IFREG) {
      write_file(parent.get(), base, entry);
    } else if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (::symlinkat(target ? target : "", parent.get(), base.c_str()) != 0) throw syscall_error("create symlink");
    } else if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO) {
      const dev_t device = type == AE_IFIFO ? 0 : makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry));
      if (::mknodat(parent.get(), base.c_str(), type | 0600, device) != 0) throw syscall_error("create node");
    } else {
      return;  // sockets and unknown types: nothing to make, as Docker skips them
    }
    apply_owner_mode_xattrs(parent.get(), base, entry, type == AE_IFLNK);
    timespec times[2];
    entry_times(entry, times);
    set_times(parent.get(), base, times);
  }

  void write_file(int parent_fd, const std::string& base, archive_entry* entry) {
    UniqueFd file(::openat(parent_fd, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file) throw syscall_error("create file");
    if (archive_read_data_into_fd(reader_, file.get()) != ARCHIVE_OK)
      throw Error(std::string("read data: ") + archive_error_string(reader_));
    // A sparse file may end in a hole: the size comes from the header.
    if (::ftruncate(file.get(), archive_entry_size(entry)) != 0) throw syscall_error("set file size");
  }

  void write_directory(int parent_fd, const std::string& base, const std::string& path, archive_entry* entry) {
    struct stat existing {};
    if (!(::fstatat(parent_fd, base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(existing.st_mode))) {
      remove_at(parent_fd, base);
      if (::mkdirat(parent_fd, base.c_str(), 0700) != 0) throw syscall_error("create directory");
    }
    apply_owner_mode_xattrs(parent_fd, base, entry, false);
    DirTimes deferred{path, {}};
    entry_times(entry, deferred.times);
    dir_times_.push_back(deferred);
  }

  void write_hard_link(int parent_fd, const std::string& base, const std::string& path, const char* raw_target) {
    std::optional<std::string> target = clean_entry_path(raw_target);
    if (!target || target->empty()) throw Error("hard link target escapes the destination");
    if (*target == path) return;  // a link to itself: the file is already there
    const SplitPath split = split_entry_path(*target);
    UniqueFd target_dir(try_open_beneath(dest_, split.parent, O_PATH | O_DIRECTORY));
    if (!target_dir) throw syscall_error("hard link target \"" + *target + "\"");
    remove_at(parent_fd, base);
    if (::linkat(target_dir.get(), split.base.c_str(), parent_fd, base.c_str(), 0) != 0)
      throw syscall_error("hard link to \"" + *target + "\"");
  }

  archive* reader_;
  int dest_;
  ExtractOptions options_;
  std::vector<DirTimes> dir_times_;
};

}  // namespace

TarExtraction::TarExtraction(int fd) : reader_(std::make_unique<Reader>()) {
  archive* reader = reader_->handle.get();
  if (!reader) throw Error("cannot allocate an archive reader");
  archive_entry* entry = nullptr;
  // Docker's test too: an archive is what yields a first tar header.
  if (open_reader(reader, fd) && header_read(archive_read_next_header(reader, &entry))) first_ = entry;
}

TarExtraction::~TarExtraction() = default;

void TarExtraction::extract_to(int dest_fd, const ExtractOptions& options) {
  archive* reader = reader_->handle.get();
  Extraction extraction(reader, dest_fd, options);
  archive_entry* entry = first_;
  int rc = ARCHIVE_OK;
  do {
    extraction.write(entry);
  } while (header_read(rc = archive_read_next_header(reader, &entry)));
  if (rc != ARCHIVE_EOF) throw Error(std::string("read archive: ") + archive_error_string(reader));
  extraction.finish();
}

}  // namespace stack::engine::image
