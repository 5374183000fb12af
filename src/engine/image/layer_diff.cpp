#include "engine/image/layer_diff.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <vector>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/layer_unpack.hpp"
#include "engine/image/scratch_files.hpp"
#include "engine/image/tar_writer.hpp"


namespace stack::engine::image {
namespace {

constexpr std::string_view kOverlayXattrPrefix = "trusted.overlay.";

std::vector<std::string> sorted_names(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw syscall_error("open directory " + dir);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::pair<std::string, std::string>> read_xattrs(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  const ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
  if (size <= 0) return out;
  std::string names(static_cast<size_t>(size), '\0');
  const ssize_t got = ::llistxattr(path.c_str(), names.data(), names.size());
  if (got < 0) throw syscall_error("list xattrs of " + path);
  names.resize(static_cast<size_t>(got));
  for (size_t pos = 0; pos < names.size();) {
    const std::string name = names.c_str() + pos;
    pos += name.size() + 1;
    if (name.empty() || name.rfind(kOverlayXattrPrefix, 0) == 0) continue;
    const ssize_t len = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (len < 0) continue;
    std::string value(static_cast<size_t>(len), '\0');
    const ssize_t n = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
    if (n < 0) continue;
    value.resize(static_cast<size_t>(n));
    out.emplace_back(name, std::move(value));
  }
  return out;
}

bool is_opaque(const std::string& path) {
  char value[2] = {};
  return ::lgetxattr(path.c_str(), "trusted.overlay.opaque", value, sizeof value) == 1 && value[0] == 'y';
}

// Walks the upper directory, writing one entry per file it holds.
class DiffWriter {
 public:
  DiffWriter(std::string upper, int fd) : upper_(std::move(upper)), tar_(fd) {}

  void run() {
    walk("");
    tar_.finish();
  }

 private:
  void walk(const std::string& rel) {
    for (const std::string& name : sorted_names(rel.empty() ? upper_ : upper_ + "/" + rel)) {
      entry(rel.empty() ? name : rel + "/" + name);
    }
  }

  void entry(const std::string& rel) {
    const std::string path = upper_ + "/" + rel;
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0) throw syscall_error("stat " + path);
    if (S_ISCHR(st.st_mode) && st.st_rdev == 0) return whiteout(rel);
    if (S_ISSOCK(st.st_mode)) return;
    TarEntry e;
    e.name = rel;
    e.mode = st.st_mode & 07777;
    e.uid = st.st_uid;
    e.gid = st.st_gid;
    e.mtime = st.st_mtim.tv_sec;
    e.xattrs = read_xattrs(path);
    if (S_ISDIR(st.st_mode)) {
      e.type = '5';
      e.name += "/";
      tar_.add_entry(e);
      if (is_opaque(path)) tar_.add_file(rel + "/.wh..wh..opq", {}, 0);
      return walk(rel);
    }
    if (S_ISLNK(st.st_mode)) {
      e.type = '2';
      e.link = read_link(path, st);
      return tar_.add_entry(e);
    }
    if (S_ISREG(st.st_mode)) return file(e, path, st);
    e.type = S_ISCHR(st.st_mode) ? '3' : S_ISBLK(st.st_mode) ? '4' : '6';
    e.dev_major = major(st.st_rdev);
    e.dev_minor = minor(st.st_rdev);
    tar_.add_entry(e);
  }

  void whiteout(const std::string& rel) {
    const size_t slash = rel.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash + 1);
    tar_.add_file(dir + ".wh." + rel.substr(dir.size()), {}, 0);
  }

  void file(TarEntry& e, const std::string& path, const struct stat& st) {
    if (st.st_nlink > 1) {
      const auto [it, first] = links_.emplace(st.st_ino, e.name);
      if (!first) {
        e.type = '1';
        e.link = it->second;
        return tar_.add_entry(e);
      }
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw syscall_error("open " + path);
    e.type = '0';
    e.size = static_cast<uint64_t>(st.st_size);
    tar_.add_entry(e, fd.get());
  }

  static std::string read_link(const std::string& path, const struct stat& st) {
    std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096), '\0');
    const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) throw syscall_error("readlink " + path);
    target.resize(static_cast<size_t>(n));
    return target;
  }

  std::string upper_;
  TarWriter tar_;
  std::map<ino_t, std::string> links_;  // first name of each hard-linked inode
};

}  // namespace

void write_diff_tar(const std::string& upper, int fd) { DiffWriter(upper, fd).run(); }

std::optional<LayerRecord> commit_diff(const ImageStore& store, const std::string& upper) {
  if (sorted_names(upper).empty()) return std::nullopt;
  ScratchFiles scratch;
  const std::string base = scratch_path(store, "diff");
  scratch.blob = base + ".tar";
  scratch.dir = base + ".d";
  UniqueFd blob(::open(scratch.blob.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!blob) throw syscall_error("create " + scratch.blob);
  write_diff_tar(upper, blob.get());
  if (::lseek(blob.get(), 0, SEEK_SET) != 0) throw syscall_error("seek " + scratch.blob);
  if (::mkdir(scratch.dir.c_str(), 0755) != 0) throw syscall_error("mkdir " + scratch.dir);
  const UnpackedLayer layer = unpack_layer(blob.get(), scratch.dir);
  blob.reset();
  store.commit_blob(scratch.blob, layer.diff_id);
  scratch.blob.clear();
  store.commit_layer(scratch.dir, layer.diff_id);
  scratch.dir.clear();
  return LayerRecord{layer.diff_id, layer.diff_id, std::string(media_type::kOciLayer),
                     static_cast<int64_t>(layer.tar_size), static_cast<int64_t>(layer.content_size)};
}

}  // namespace stack::engine::image
