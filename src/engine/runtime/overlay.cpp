#include "engine/runtime/overlay.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>

#include "engine/runtime/mount_api.hpp"
#include "engine/runtime/mount_options.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

namespace fs = std::filesystem;

std::string what_for(const std::string& target) { return describe_mount("overlay", target); }

bool set_string(int fs_fd, const char* key, const std::string& value) {
  return fsconfig(fs_fd, FSCONFIG_SET_STRING, key, value.c_str(), 0) == 0;
}

// A temporary directory of symlinks "0", "1", ... to the lower dirs, "u" and "w" to the
// upper and work dirs; removed with its owner (overlay resolved the links at mount time).
class ShortLinks {
 public:
  explicit ShortLinks(const Root& root) {
    std::string templ = (fs::temp_directory_path() / "stack-overlay-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw syscall_error("mkdtemp " + templ);
    dir_ = templ;
    for (size_t i = 0; i < root.lower_dirs.size(); ++i) link(root.lower_dirs[i], std::to_string(i));
    if (!root.upper_dir.empty()) {
      link(root.upper_dir, "u");
      link(root.work_dir, "w");
    }
  }
  ~ShortLinks() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  ShortLinks(const ShortLinks&) = delete;
  ShortLinks& operator=(const ShortLinks&) = delete;
  const std::string& dir() const { return dir_; }

 private:
  void link(const std::string& to, const std::string& name) {
    std::string from = dir_ + "/" + name;
    if (symlink(to.c_str(), from.c_str()) != 0) throw syscall_error("symlink " + from + " -> " + to);
  }
  std::string dir_;
};

// Changes the working directory for its lifetime and goes back after.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::string& dir) : previous_(open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) {
    if (!previous_) throw syscall_error("open the working directory");
    if (chdir(dir.c_str()) != 0) throw syscall_error("chdir " + dir);
  }
  // Going back fails only if the old directory vanished; the mount's outcome stands.
  ~WorkingDirectory() { [[maybe_unused]] int rc = fchdir(previous_.get()); }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  UniqueFd previous_;
};

std::string classic_options(const Root& root) {
  std::string lower;
  for (size_t i = 0; i < root.lower_dirs.size(); ++i) lower += (i ? ":" : "") + std::to_string(i);
  std::string data = "lowerdir=" + lower;
  if (!root.upper_dir.empty()) data += ",upperdir=u,workdir=w";
  // index=off: the same layers are shared by many containers with different uppers;
  // an inode index would tie each layer to the first upper that used it.
  return data + ",index=off";
}

}  // namespace

UniqueFd overlay_detached(const Root& root, const std::string& what) {
  UniqueFd fs_fd(fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fs_fd) throw syscall_error(what);
  for (size_t i = 0; i < root.lower_dirs.size(); ++i) {
    if (set_string(fs_fd.get(), "lowerdir+", root.lower_dirs[i])) continue;
    if (i == 0 && errno == EINVAL) return UniqueFd();  // an overlay without "lowerdir+": kernel < 6.8
    throw syscall_error(what + ": layer " + root.lower_dirs[i]);
  }
  if (!root.upper_dir.empty()) {
    if (!set_string(fs_fd.get(), "upperdir", root.upper_dir)) throw syscall_error(what + ": upper dir " + root.upper_dir);
    if (!set_string(fs_fd.get(), "workdir", root.work_dir)) throw syscall_error(what + ": work dir " + root.work_dir);
  }
  if (!set_string(fs_fd.get(), "index", "off")) throw syscall_error(what + " (index=off)");
  if (fsconfig(fs_fd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) throw syscall_error(what);
  // Without an upper dir an overlay cannot be written anyway; say so on the mount too.
  unsigned attrs = root.upper_dir.empty() ? MOUNT_ATTR_RDONLY : 0;
  UniqueFd mnt(fsmount(fs_fd.get(), FSMOUNT_CLOEXEC, attrs));
  if (!mnt) throw syscall_error(what);
  return mnt;
}

bool mount_overlay_layered(const Root& root, const std::string& target) {
  const std::string what = what_for(target);
  UniqueFd mnt = overlay_detached(root, what);
  if (!mnt) return false;
  if (move_mount(mnt.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
    throw syscall_error(what);
  return true;
}

void mount_overlay_classic(const Root& root, const std::string& target) {
  const std::string what = what_for(target);
  const std::string absolute_target = fs::absolute(target).string();
  ShortLinks links(root);
  std::string data = classic_options(root);
  const long page = sysconf(_SC_PAGESIZE);
  if (static_cast<long>(data.size()) >= page)
    throw Error(what + ": " + std::to_string(root.lower_dirs.size()) + " layers do not fit in one mount option page",
                "this kernel lacks overlay's \"lowerdir+\" (Linux 6.8); use an image with fewer layers");
  WorkingDirectory cwd(links.dir());
  unsigned long flags = root.upper_dir.empty() ? MS_RDONLY : 0;
  if (::mount("overlay", absolute_target.c_str(), "overlay", flags, data.c_str()) != 0) throw syscall_error(what);
}

}  // namespace stack::engine::runtime
