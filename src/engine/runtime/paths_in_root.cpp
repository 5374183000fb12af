#include "engine/runtime/paths_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>

#include "base/error.hpp"
#include "engine/runtime/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

// "/a/./b/../c/" -> "a/c": the path relative to the root. ".." cannot climb above the
// root lexically, and RESOLVE_IN_ROOT keeps symlinks from doing it.
std::string relative(const std::string& path) {
  std::string normal = std::filesystem::path("/" + path).lexically_normal().string();
  size_t first = normal.find_first_not_of('/');
  if (first == std::string::npos) return {};
  normal.erase(0, first);
  while (normal.back() == '/') normal.pop_back();
  return normal;
}

int resolve(int root_fd, const std::string& rel) {
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(syscall(SYS_openat2, root_fd, rel.empty() ? "." : rel.c_str(), &how, sizeof how));
}

std::string parent_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

std::string name_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

OwnedFd open_existing(int root_fd, const std::string& rel, const std::string& op) {
  OwnedFd fd(resolve(root_fd, rel));
  if (!fd) throw syscall_error(op + " /" + rel);
  return fd;
}

OwnedFd make_dir(int root_fd, const std::string& rel) {
  OwnedFd fd(resolve(root_fd, rel));
  if (fd) return fd;
  if (errno != ENOENT) throw syscall_error("open /" + rel);
  OwnedFd parent = make_dir(root_fd, parent_of(rel));
  // EEXIST: a dangling symlink is in the way; the open below reports it.
  if (mkdirat(parent.get(), name_of(rel).c_str(), 0755) != 0 && errno != EEXIST)
    throw syscall_error("mkdir /" + rel);
  return open_existing(root_fd, rel, "mkdir");
}

}  // namespace

OwnedFd open_in_root(int root_fd, const std::string& path) {
  std::string rel = relative(path);
  OwnedFd fd(resolve(root_fd, rel));
  if (!fd && errno != ENOENT) throw syscall_error("open /" + rel);
  return fd;
}

OwnedFd make_dir_in_root(int root_fd, const std::string& path) { return make_dir(root_fd, relative(path)); }

OwnedFd make_file_in_root(int root_fd, const std::string& path) {
  std::string rel = relative(path);
  OwnedFd fd(resolve(root_fd, rel));
  if (fd) return fd;
  if (errno != ENOENT) throw syscall_error("open /" + rel);
  OwnedFd parent = make_dir(root_fd, parent_of(rel));
  // O_EXCL never follows a symlink, so a dangling one cannot create a file elsewhere.
  OwnedFd file(openat(parent.get(), name_of(rel).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
  if (!file && errno != EEXIST) throw syscall_error("create /" + rel);
  return open_existing(root_fd, rel, "create");
}

ParentDir make_parent_in_root(int root_fd, const std::string& path) {
  std::string rel = relative(path);
  if (rel.empty()) throw Error("invalid path \"" + path + "\": it names the root itself");
  return {make_dir(root_fd, parent_of(rel)), name_of(rel)};
}

}  // namespace stack::engine::runtime
