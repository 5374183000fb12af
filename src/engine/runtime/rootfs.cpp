#include "engine/runtime/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/runtime/dev_filesystem.hpp"
#include "engine/runtime/devices.hpp"
#include "engine/runtime/mount_api.hpp"
#include "engine/runtime/mount_options.hpp"
#include "engine/runtime/mounts.hpp"
#include "engine/runtime/overlay.hpp"
#include "engine/runtime/paths_in_root.hpp"
#include "engine/runtime/protected_paths.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

// A single layer without an upper dir needs no overlay: the layer itself, read-only.
void bind_single_layer(const std::string& layer, const std::string& target) {
  const std::string what = describe_mount(layer, target);
  UniqueFd tree = clone_tree(AT_FDCWD, layer, false, what);
  set_mount_attributes(tree.get(), false, MOUNT_ATTR_RDONLY, 0, 0, what);
  UniqueFd dest(open(target.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dest) throw syscall_error(what);
  attach_mount(tree, dest.get(), what);
}

void mount_proc(int root_fd) {
  const std::string what = describe_mount("proc", "/proc");
  UniqueFd dest = make_dir_in_root(root_fd, "/proc");
  UniqueFd proc = new_filesystem("proc", "proc", "", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV, what);
  attach_mount(proc, dest.get(), what);
}

// sysfs shows the network devices of the mounter's network namespace; the kernel
// refuses a new sysfs (EPERM) when that namespace belongs to another user namespace
// (e.g. the host's, from a user namespace). Then the host's /sys, read-only, as runc does.
void mount_sys(int root_fd, bool privileged) {
  const uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV | (privileged ? 0 : MOUNT_ATTR_RDONLY);
  UniqueFd dest = make_dir_in_root(root_fd, "/sys");
  UniqueFd sys;
  try {
    sys = new_filesystem("sysfs", "sysfs", "", attrs, describe_mount("sysfs", "/sys"));
  } catch (const SyscallError& e) {
    if (e.code() != EPERM) throw;
    const std::string what = describe_mount("/sys", "/sys");
    sys = clone_tree(AT_FDCWD, "/sys", true, what);
    set_mount_attributes(sys.get(), true, attrs, 0, 0, what);
  }
  attach_mount(sys, dest.get(), describe_mount("sysfs", "/sys"));
}

// pivot_root(".", ".") stacks the old root on top of the new one at "/"; detaching
// it leaves only the container's tree, with no directory needed for the old root.
void pivot_into(const std::string& rootfs) {
  if (chdir(rootfs.c_str()) != 0) throw syscall_error("chdir " + rootfs);
  if (syscall(SYS_pivot_root, ".", ".") != 0) throw syscall_error("pivot_root " + rootfs);
  // A slave cannot propagate the detach below to the host, whatever the caller's setup.
  if (mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) throw syscall_error("make the old root a slave");
  if (umount2(".", MNT_DETACH) != 0) throw syscall_error("detach the old root");
  if (chdir("/") != 0) throw syscall_error("chdir /");
}

}  // namespace

void mount_rootfs(const Root& root, const std::string& target) {
  if (root.lower_dirs.empty()) throw Error(describe_mount("overlay", target) + ": the image has no layers");
  if (root.upper_dir.empty() != root.work_dir.empty())
    throw Error(describe_mount("overlay", target) + ": an upper dir needs a work dir and the reverse");
  if (root.upper_dir.empty() && root.lower_dirs.size() == 1) return bind_single_layer(root.lower_dirs[0], target);
  if (!mount_overlay_layered(root, target)) mount_overlay_classic(root, target);
}

void setup_rootfs(const Spec& spec, const std::string& rootfs) {
  UniqueFd root(open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw syscall_error("open rootfs " + rootfs);
  mount_proc(root.get());
  mount_sys(root.get(), spec.privileged);
  mount_dev(root.get(), spec.shm_size);
  for (const Mount& mount : spec.mounts) mount_in_root(root.get(), mount);
  make_devices(root.get(), spec);
  pivot_into(rootfs);
}

void finish_rootfs(const Spec& spec) {
  if (!spec.privileged) {
    for (const auto& path : spec.masked_paths.empty() ? default_masked_paths() : spec.masked_paths) mask_path(path);
    for (const auto& path : spec.readonly_paths.empty() ? default_readonly_paths() : spec.readonly_paths)
      make_path_readonly(path);
  }
  // Only the root mount itself: tmpfs and volumes below it stay writable.
  if (spec.root.read_only) {
    UniqueFd root(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw syscall_error("open /");
    set_mount_attributes(root.get(), false, MOUNT_ATTR_RDONLY, 0, 0, "remount / read-only");
  }
}

const std::vector<std::string>& default_masked_paths() {
  static const std::vector<std::string> paths = {
      "/proc/asound",     "/proc/acpi",        "/proc/kcore",       "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
      "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap",
  };
  return paths;
}

const std::vector<std::string>& default_readonly_paths() {
  static const std::vector<std::string> paths = {
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
  };
  return paths;
}

}  // namespace stack::engine::runtime
