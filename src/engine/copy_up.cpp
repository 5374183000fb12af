#include "engine/copy_up.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/syscall_error.hpp"
#include "base/tree_copy.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/overlay.hpp"

namespace stack::engine {
namespace {

// The image's root directory: its single layer as it is (whiteouts in a bottom layer
// hide nothing and are skipped by the copy), or the overlay of its layers.
UniqueFd image_root(const std::vector<std::string>& lower_dirs, const std::string& what) {
  if (lower_dirs.size() == 1) {
    UniqueFd fd(::open(lower_dirs[0].c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw syscall_error(what + ": open " + lower_dirs[0]);
    return fd;
  }
  runtime::Root root;
  root.lower_dirs = lower_dirs;
  UniqueFd fd = runtime::overlay_detached(root, what + ": mount the image's layers");
  if (!fd) throw Error(what + ": this kernel's overlayfs lacks \"lowerdir+\" (Linux 6.8), which copy-up needs");
  return fd;
}

// `path` resolved as the container would resolve it (RESOLVE_IN_ROOT), as a directory;
// an empty fd when there is none.
UniqueFd directory_in_image(int root_fd, const std::string& path, const std::string& what) {
  const size_t start = path.find_first_not_of('/');
  const std::string relative = start == std::string::npos ? "." : path.substr(start);
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const int fd = static_cast<int>(::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how));
  if (fd >= 0) return UniqueFd(fd);
  if (errno == ENOENT || errno == ENOTDIR) return UniqueFd();
  throw syscall_error(what + ": open " + path + " in the image");
}

}  // namespace

bool copy_up_from_image(const std::vector<std::string>& lower_dirs, const std::string& path, const std::string& dest,
                        const std::string& what) {
  if (lower_dirs.empty()) return false;
  const UniqueFd root = image_root(lower_dirs, what);
  const UniqueFd source = directory_in_image(root.get(), path, what);
  if (!source || !base::has_entries(source.get())) return false;
  const UniqueFd target(::open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!target) throw syscall_error(what + ": open " + dest);
  base::copy_tree(source.get(), target.get(), what);
  return true;
}

}  // namespace stack::engine
