#include "engine/image/layer_writer.hpp"

#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "base/syscall_error.hpp"
#include "engine/image/beneath.hpp"
#include "engine/image/entry_metadata.hpp"
#include "engine/image/layer_path.hpp"
#include "engine/image/layer_stream.hpp"

namespace stack::engine::image {

namespace {

constexpr const char* kEscapes = "path escapes the layer directory";

std::string entry_name(archive_entry* entry) {
  if (const char* name = archive_entry_pathname(entry)) return name;
  if (const char* name = archive_entry_pathname_utf8(entry)) return name;
  throw Error("layer entry without a name");
}

// Creates the non-directory, non-file node `base` in dir_fd: symlink, device or fifo.
void make_node(int dir_fd, const std::string& base, archive_entry* entry) {
  const mode_t type = archive_entry_filetype(entry);
  if (type == AE_IFLNK) {
    // Any target text is fine: it is only ever resolved inside the container's root.
    const char* target = archive_entry_symlink(entry);
    if (::symlinkat(target ? target : "", dir_fd, base.c_str()) != 0) throw syscall_error("create symlink");
    return;
  }
  if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO) {
    const dev_t device = type == AE_IFIFO ? 0 : makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry));
    if (::mknodat(dir_fd, base.c_str(), type | 0600, device) != 0)
      throw syscall_error(type == AE_IFIFO ? "create fifo" : "create device node");
    return;
  }
  throw Error("unsupported entry type " + std::to_string(type));
}

}  // namespace

LayerWriter::LayerWriter(const std::string& dest) {
  root_.reset(::open(dest.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_) throw syscall_error("open layer directory " + dest);
}

void LayerWriter::write(archive_entry* entry, LayerStream& stream) {
  const std::string name = entry_name(entry);
  try {
    std::optional<std::string> path = clean_entry_path(name);
    if (!path) throw Error(kEscapes);
    write_entry(*path, entry, stream);
  } catch (const Error& e) {
    throw e.wrap("layer entry \"" + name + "\"");
  }
}

void LayerWriter::write_entry(const std::string& path, archive_entry* entry, LayerStream& stream) {
  if (path.empty()) {  // "./": the layer directory itself
    write_directory(root_.get(), path, ".", entry);
    return;
  }
  if (in_aufs_metadata(path)) return;
  const SplitPath split = split_entry_path(path);
  const Whiteout whiteout = classify_whiteout(split.base);
  switch (whiteout.kind) {
    case WhiteoutKind::Opaque: return write_opaque(split.parent);
    case WhiteoutKind::Remove: return write_whiteout(split.parent, whiteout.target, entry);
    case WhiteoutKind::AufsMeta: return;
    case WhiteoutKind::Invalid: throw Error("whiteout of no file");
    case WhiteoutKind::None: break;
  }
  UniqueFd dir = make_dirs_beneath(root_.get(), split.parent);
  if (archive_entry_hardlink(entry)) return write_hard_link(dir.get(), path, split.base, entry);
  if (archive_entry_filetype(entry) == AE_IFDIR) return write_directory(dir.get(), path, split.base, entry);
  // A later entry replaces an earlier one of the same name, whatever it was.
  remove_at(dir.get(), split.base);
  if (archive_entry_filetype(entry) == AE_IFREG) {
    write_file(dir.get(), split.base, entry, stream);
  } else {
    make_node(dir.get(), split.base, entry);
  }
  apply_owner_mode_xattrs(dir.get(), split.base, entry, archive_entry_filetype(entry) == AE_IFLNK);
  timespec times[2];
  entry_times(entry, times);
  set_times(dir.get(), split.base, times);
}

void LayerWriter::write_file(int dir_fd, const std::string& base, archive_entry* entry, LayerStream& stream) {
  UniqueFd file(::openat(dir_fd, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file) throw syscall_error("create file");
  content_size_ += stream.copy_data(file.get());
  // A sparse file may end in a hole: the size comes from the header, not the data.
  if (::ftruncate(file.get(), archive_entry_size(entry)) != 0) throw syscall_error("set file size");
}

void LayerWriter::write_directory(int dir_fd, const std::string& path, const std::string& base,
                                  archive_entry* entry) {
  struct stat existing {};
  const bool is_dir = ::fstatat(dir_fd, base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(existing.st_mode);
  // An existing directory is kept with its contents (an entry may list it again).
  if (!is_dir) {
    remove_at(dir_fd, base);
    if (::mkdirat(dir_fd, base.c_str(), 0700) != 0) throw syscall_error("create directory");
  }
  apply_owner_mode_xattrs(dir_fd, base, entry, false);
  DirTimes deferred{path, {}};
  entry_times(entry, deferred.times);
  dir_times_.push_back(deferred);
}

void LayerWriter::write_hard_link(int dir_fd, const std::string& path, const std::string& base,
                                  archive_entry* entry) {
  std::optional<std::string> target = clean_entry_path(archive_entry_hardlink(entry));
  if (!target || target->empty()) throw Error("hard link target escapes the layer directory");
  if (*target == path) return;  // a link to itself: the file is already there
  const SplitPath split = split_entry_path(*target);
  UniqueFd target_dir;
  try {
    target_dir = open_beneath(root_.get(), split.parent, O_PATH | O_DIRECTORY);
  } catch (const Error& e) {
    throw e.wrap("hard link target \"" + *target + "\"");
  }
  remove_at(dir_fd, base);
  // No AT_SYMLINK_FOLLOW: a link to a symlink links the symlink, never what it points to.
  if (::linkat(target_dir.get(), split.base.c_str(), dir_fd, base.c_str(), 0) != 0)
    throw syscall_error("hard link to \"" + *target + "\"");
}

void LayerWriter::write_whiteout(const std::string& parent, const std::string& target, archive_entry* entry) {
  UniqueFd dir = make_dirs_beneath(root_.get(), parent);
  remove_at(dir.get(), target);
  // overlayfs's whiteout: a character device 0/0 hides `target` of the lower layers.
  if (::mknodat(dir.get(), target.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0)
    throw syscall_error("create whiteout device");
  const auto uid = static_cast<uid_t>(archive_entry_uid(entry));
  const auto gid = static_cast<gid_t>(archive_entry_gid(entry));
  if (::fchownat(dir.get(), target.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) throw syscall_error("chown whiteout");
}

void LayerWriter::write_opaque(const std::string& parent) {
  UniqueFd dir = make_dirs_beneath(root_.get(), parent);
  if (!set_xattr_at(dir.get(), ".", "trusted.overlay.opaque", "y", 1))
    throw syscall_error("set trusted.overlay.opaque");
}

void LayerWriter::finish() {
  for (const DirTimes& deferred : dir_times_) {
    int fd = try_open_beneath(root_.get(), deferred.path, O_PATH | O_DIRECTORY | O_NOFOLLOW);
    // Replaced by a later entry (a file, a symlink) or removed by a whiteout: nothing to do.
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) continue;
    UniqueFd dir(fd);
    try {
      if (!dir) throw syscall_error("open");
      set_times(dir.get(), ".", deferred.times);
    } catch (const Error& e) {
      throw e.wrap("layer entry \"" + (deferred.path.empty() ? std::string(".") : deferred.path) + "\"");
    }
  }
}

}  // namespace stack::engine::image
