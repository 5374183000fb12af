#include "engine/build/copy_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/syscall_error.hpp"
#include "engine/build/copy_root.hpp"
#include "engine/image/beneath.hpp"

namespace stack::engine::build {

namespace {

void set_times_at(int dir_fd, const std::string& base, const struct stat& st) {
  const timespec times[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(dir_fd, base.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) throw syscall_error("set times");
}

bool copy_by_read(int in_fd, int out_fd) {
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ssize_t got = ::read(in_fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw syscall_error("read");
    if (got == 0) return true;
    for (ssize_t done = 0; done < got;) {
      ssize_t put = ::write(out_fd, buffer.data() + done, static_cast<size_t>(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) throw syscall_error("write");
      done += put;
    }
  }
}

}  // namespace

void copy_data(int in_fd, int out_fd) {
  for (;;) {
    ssize_t copied = ::copy_file_range(in_fd, nullptr, out_fd, nullptr, 1 << 30, 0);
    if (copied == 0) return;
    if (copied > 0) continue;
    if (errno == EINTR) continue;
    // Filesystems or kernels that cannot: plain reads and writes from where it stopped.
    if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == EBADF) {
      copy_by_read(in_fd, out_fd);
      return;
    }
    throw syscall_error("copy data");
  }
}

CopyWriter::CopyWriter(int dst_root_fd, const CopyOptions& options)
    : root_(dst_root_fd), options_(options), uid_(options.uid.value_or(0)), gid_(options.gid.value_or(0)) {}

mode_t CopyWriter::mode_of(const struct stat& st) const { return options_.mode ? *options_.mode : st.st_mode & 07777; }

void CopyWriter::make_dirs(const std::string& path) { make_dirs_in_root(root_, path, uid_, gid_); }

void CopyWriter::copy_tree(const SourceTree& tree, const std::string& target) {
  for (const SourceEntry& entry : tree.entries()) {
    if (entry.rel.empty() && S_ISDIR(entry.st.st_mode)) {
      make_dirs(target);  // a directory source: only its contents are copied
      continue;
    }
    const std::string path = join_path(target, entry.rel);
    try {
      write_entry(tree, entry, path);
    } catch (const Error& e) {
      throw e.wrap("copy \"" + join_path(tree.matched(), entry.rel) + "\" to \"/" + path + "\"");
    }
  }
}

void CopyWriter::write_entry(const SourceTree& tree, const SourceEntry& entry, const std::string& path) {
  UniqueFd parent = make_dirs_in_root(root_, parent_path(path), uid_, gid_);
  const std::string base = base_name(path);
  const mode_t type = entry.st.st_mode & S_IFMT;
  if (type == S_IFDIR) return write_directory(parent.get(), base, path, entry);
  // A later entry replaces whatever had its name, a whole tree for a directory.
  image::remove_at(parent.get(), base);
  if (type == S_IFREG) {
    write_file(parent.get(), base, tree, entry);
  } else {
    write_node(parent.get(), base, tree, entry);
  }
  set_times_at(parent.get(), base, entry.st);
}

void CopyWriter::write_directory(int parent_fd, const std::string& base, const std::string& path,
                                 const SourceEntry& entry) {
  struct stat existing {};
  bool keep = ::fstatat(parent_fd, base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(existing.st_mode);
  // A symlink to a directory (a merged /usr's "lib -> usr/lib") is kept and copied into,
  // so that copying a tree over "/" does not break the image's links.
  if (!keep && S_ISLNK(existing.st_mode)) {
    UniqueFd target(try_open_in_root(root_, path, O_PATH | O_DIRECTORY));
    keep = static_cast<bool>(target);
  }
  if (!keep) {
    image::remove_at(parent_fd, base);
    if (::mkdirat(parent_fd, base.c_str(), 0700) != 0) throw syscall_error("create directory");
  }
  UniqueFd dir = open_in_root(root_, path, O_RDONLY | O_DIRECTORY);
  if (::fchown(dir.get(), uid_, gid_) != 0) throw syscall_error("chown");
  if (::fchmod(dir.get(), mode_of(entry.st)) != 0) throw syscall_error("chmod");
  dir_times_.push_back(DirTimes{path, {entry.st.st_atim, entry.st.st_mtim}});
}

void CopyWriter::write_file(int parent_fd, const std::string& base, const SourceTree& tree,
                            const SourceEntry& entry) {
  UniqueFd source = tree.open_file(entry.rel);
  UniqueFd file(::openat(parent_fd, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file) throw syscall_error("create file");
  copy_data(source.get(), file.get());
  // Owner first: chown clears setuid and setgid, which the mode then sets again.
  if (::fchown(file.get(), uid_, gid_) != 0) throw syscall_error("chown");
  if (::fchmod(file.get(), mode_of(entry.st)) != 0) throw syscall_error("chmod");
}

// Symlinks (copied as symlinks, their target text unchanged), fifos and device nodes.
void CopyWriter::write_node(int parent_fd, const std::string& base, const SourceTree& tree,
                            const SourceEntry& entry) {
  const mode_t type = entry.st.st_mode & S_IFMT;
  if (type == S_IFLNK) {
    if (::symlinkat(tree.read_link(entry.rel).c_str(), parent_fd, base.c_str()) != 0)
      throw syscall_error("create symlink");
    if (::fchownat(parent_fd, base.c_str(), uid_, gid_, AT_SYMLINK_NOFOLLOW) != 0) throw syscall_error("chown");
    return;
  }
  if (::mknodat(parent_fd, base.c_str(), type | 0600, entry.st.st_rdev) != 0) throw syscall_error("create node");
  if (::fchownat(parent_fd, base.c_str(), uid_, gid_, AT_SYMLINK_NOFOLLOW) != 0) throw syscall_error("chown");
  // `base` was just made by us and is no symlink, so following it is safe.
  if (::fchmodat(parent_fd, base.c_str(), mode_of(entry.st), 0) != 0) throw syscall_error("chmod");
}

void CopyWriter::finish() {
  // Deepest first is not needed: setting a directory's times does not touch its parent's.
  for (const DirTimes& deferred : dir_times_) {
    UniqueFd dir = open_in_root(root_, deferred.path, O_RDONLY | O_DIRECTORY);
    if (::futimens(dir.get(), deferred.times) != 0) throw syscall_error("set times of \"/" + deferred.path + "\"");
  }
}

}  // namespace stack::engine::build
