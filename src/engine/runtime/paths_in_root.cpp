#include "engine/runtime/paths_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

#include "base/error.hpp"
#include "base/syscall_error.hpp"

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

UniqueFd open_existing(int root_fd, const std::string& rel, const std::string& op) {
  UniqueFd fd(resolve(root_fd, rel));
  if (!fd) throw syscall_error(op + " /" + rel);
  return fd;
}

enum class Kind { dir, file };

// Makes the last entry of `rel` in `parent`; false when something is already there.
bool make_entry(int parent, const std::string& name, Kind kind, const std::string& rel) {
  if (kind == Kind::dir) {
    if (mkdirat(parent, name.c_str(), 0755) == 0) return true;
    if (errno != EEXIST) throw syscall_error("mkdir /" + rel);
    return false;
  }
  // O_EXCL never follows a symlink, so a dangling one cannot create a file elsewhere.
  UniqueFd file(openat(parent, name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
  if (file) return true;
  if (errno != EEXIST) throw syscall_error("create /" + rel);
  return false;
}

// Creates `rel` (parents as directories) and returns an O_PATH fd of it. A dangling
// symlink on the way is followed, inside the root, and what it names is created, as
// `mkdir -p` would through a symlink; `depth` bounds link chains like the kernel's 40.
UniqueFd create(int root_fd, const std::string& rel, Kind kind, int depth = 0) {
  UniqueFd fd(resolve(root_fd, rel));
  if (fd) return fd;
  if (errno != ENOENT) throw syscall_error("open /" + rel);
  if (depth > 40) throw syscall_error("create /" + rel, ELOOP);
  const std::string name = name_of(rel);
  UniqueFd parent = create(root_fd, parent_of(rel), Kind::dir, depth);
  if (!make_entry(parent.get(), name, kind, rel)) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(parent.get(), name.c_str(), target, sizeof target - 1);
    if (n < 0) throw syscall_error("create /" + rel, EEXIST);
    std::string link(target, static_cast<size_t>(n));
    // Resolved again from the root: openat2 places ".." and absolute targets inside it.
    std::string next = link[0] == '/' ? link.substr(1) : (parent_of(rel).empty() ? "" : parent_of(rel) + "/") + link;
    create(root_fd, next, kind, depth + 1);
  }
  return open_existing(root_fd, rel, "create");
}

}  // namespace

UniqueFd open_in_root(int root_fd, const std::string& path) {
  std::string rel = relative(path);
  UniqueFd fd(resolve(root_fd, rel));
  if (!fd && errno != ENOENT) throw syscall_error("open /" + rel);
  return fd;
}

UniqueFd make_dir_in_root(int root_fd, const std::string& path) { return create(root_fd, relative(path), Kind::dir); }

UniqueFd make_file_in_root(int root_fd, const std::string& path) {
  return create(root_fd, relative(path), Kind::file);
}

ParentDir make_parent_in_root(int root_fd, const std::string& path) {
  std::string rel = relative(path);
  if (rel.empty()) throw Error("invalid path \"" + path + "\": it names the root itself");
  return {create(root_fd, parent_of(rel), Kind::dir), name_of(rel)};
}

}  // namespace stack::engine::runtime
