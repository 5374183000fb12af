#include "engine/build/copy_extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "base/syscall_error.hpp"
#include "engine/build/copy_root.hpp"
#include "engine/image/beneath.hpp"
#include "engine/image/entry_metadata.hpp"
#include "engine/image/layer_path.hpp"

namespace stack::engine::build {

namespace {

using Reader = std::unique_ptr<archive, int (*)(archive*)>;

Reader open_reader(int fd) {
  Reader reader(archive_read_new(), archive_read_free);
  if (!reader) throw Error("cannot allocate an archive reader");
  // Only these filters: the lean build links libarchive statically with zlib and zstd
  // alone, and the program filters need no library (they run the host's tools).
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_filter_zstd(reader.get());
  archive_read_support_filter_program_signature(reader.get(), "bzip2 -d", "BZh", 3);
  archive_read_support_filter_program_signature(reader.get(), "xz -d", "\xFD\x37\x7A\x58\x5A\x00", 6);
  archive_read_support_filter_none(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_fd(reader.get(), fd, 1 << 16) != ARCHIVE_OK) return Reader(nullptr, archive_read_free);
  return reader;
}

// A warning (an unknown pax keyword, say) still gives a usable header.
bool header_read(int rc) { return rc == ARCHIVE_OK || rc == ARCHIVE_WARN; }

struct DirTimes {
  std::string path;
  timespec times[2];
};

class Extraction {
 public:
  Extraction(archive* reader, int dest_fd) : reader_(reader), dest_(dest_fd) {}

  void write(archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    const std::string name = raw ? raw : "";
    try {
      std::optional<std::string> path = image::clean_entry_path(name);
      if (!path) throw Error("path escapes the destination");
      if (path->empty()) return;  // "./": the destination itself is kept as it is
      write_entry(*path, entry);
    } catch (const Error& e) {
      throw e.wrap("entry \"" + name + "\"");
    }
  }

  void finish() {
    for (const DirTimes& deferred : dir_times_) {
      UniqueFd dir(image::try_open_beneath(dest_, deferred.path, O_PATH | O_DIRECTORY | O_NOFOLLOW));
      if (dir) image::set_times(dir.get(), ".", deferred.times);
    }
  }

 private:
  UniqueFd parent_of(const std::string& path) {
    try {
      return image::make_dirs_beneath(dest_, parent_path(path));
    } catch (const Error& e) {
      throw e.wrap("parent directory");
    }
  }

  void write_entry(const std::string& path, archive_entry* entry) {
    UniqueFd parent = parent_of(path);
    const std::string base = base_name(path);
    const mode_t type = archive_entry_filetype(entry);
    if (const char* target = archive_entry_hardlink(entry)) return write_hard_link(parent.get(), base, path, target);
    if (type == AE_IFDIR) return write_directory(parent.get(), base, path, entry);
    image::remove_at(parent.get(), base);
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
    image::apply_owner_mode_xattrs(parent.get(), base, entry, type == AE_IFLNK);
    timespec times[2];
    image::entry_times(entry, times);
    image::set_times(parent.get(), base, times);
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
      image::remove_at(parent_fd, base);
      if (::mkdirat(parent_fd, base.c_str(), 0700) != 0) throw syscall_error("create directory");
    }
    image::apply_owner_mode_xattrs(parent_fd, base, entry, false);
    DirTimes deferred{path, {}};
    image::entry_times(entry, deferred.times);
    dir_times_.push_back(deferred);
  }

  void write_hard_link(int parent_fd, const std::string& base, const std::string& path, const char* raw_target) {
    std::optional<std::string> target = image::clean_entry_path(raw_target);
    if (!target || target->empty()) throw Error("hard link target escapes the destination");
    if (*target == path) return;  // a link to itself: the file is already there
    UniqueFd target_dir(image::try_open_beneath(dest_, parent_path(*target), O_PATH | O_DIRECTORY));
    if (!target_dir) throw syscall_error("hard link target \"" + *target + "\"");
    const std::string target_base = base_name(*target);
    image::remove_at(parent_fd, base);
    if (::linkat(target_dir.get(), target_base.c_str(), parent_fd, base.c_str(), 0) != 0)
      throw syscall_error("hard link to \"" + *target + "\"");
  }

  archive* reader_;
  int dest_;
  std::vector<DirTimes> dir_times_;
};

}  // namespace

bool extract_archive(int archive_fd, const std::string& name, int dst_root_fd, const std::string& dest_dir, uid_t uid,
                     gid_t gid) {
  Reader reader = open_reader(archive_fd);
  archive_entry* entry = nullptr;
  // Docker's test too: an archive is what yields a first tar header.
  if (!reader || !header_read(archive_read_next_header(reader.get(), &entry))) return false;
  const std::string context = "extract \"" + name + "\" to \"/" + dest_dir + "\"";
  try {
    UniqueFd dest = make_dirs_in_root(dst_root_fd, dest_dir, uid, gid);
    Extraction extraction(reader.get(), dest.get());
    int rc = ARCHIVE_OK;
    do {
      extraction.write(entry);
    } while (header_read(rc = archive_read_next_header(reader.get(), &entry)));
    if (rc != ARCHIVE_EOF) throw Error(std::string("read archive: ") + archive_error_string(reader.get()));
    extraction.finish();
  } catch (const Error& e) {
    throw e.wrap(context);
  }
  return true;
}

}  // namespace stack::engine::build
