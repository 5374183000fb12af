// The container's filesystem, built inside its new mount namespace (so every mount
// disappears with the namespace and nothing is left on the host):
//   overlay of the layers -> /proc, /sys (ro), /dev (tmpfs with null, zero, full,
//   random, urandom, tty, ptmx, pts, shm, mqueue, fd links) -> spec mounts -> spec
//   devices -> pivot_root -> [sysctls] -> masked and read-only paths.
// Spec mounts come after the system ones, as in an OCI config, so a volume or bind
// may go below /dev or /proc (/dev/fuse, /proc/meminfo from lxcfs) and stays visible.
// Every destination is resolved inside the rootfs: an image's symlink cannot lead a
// mount or a device node onto the host.
// Every failure throws stack::Error naming the mount and the cause (strerror):
// "mount tmpfs on /run (size=abc): Invalid argument",
// "mount /srv/x on /data: No such file or directory".
#pragma once

#include <string>

#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

// Mounts the overlay of root.lower_dirs (+ upper/work) on `target` with the new mount
// API (fsopen/fsconfig "lowerdir+" one layer at a time: no limit on the number of layers),
// falling back to the classic option string on kernels without lowerdir+ (< 6.8).
// With an upper dir the mount stays writable here even when root.read_only, so that
// setup_rootfs can make mount points; finish_rootfs makes it read-only. Without an
// upper dir: read-only from the start (one lower dir: a read-only bind of it).
void mount_rootfs(const Root& root, const std::string& target);

// Everything after the overlay, relative to `rootfs` (still at its host path): /proc,
// /sys (ro; rw when privileged; a ro bind of the host's when sysfs is refused), /dev and
// its nodes, /dev/pts, /dev/shm (shm_size), /dev/mqueue, spec mounts, devices (with
// privileged also every host device), then pivot_root into it and detach the old root. After this the process
// sees only the container's filesystem. Masked/readonly paths are applied by
// finish_rootfs, after sysctls were written.
void setup_rootfs(const Spec& spec, const std::string& rootfs);

// After pivot_root: masked paths (/dev/null over files, empty ro tmpfs over dirs),
// read-only paths (bind remounted ro), both skipped when privileged and each path
// skipped when this kernel lacks it; then the root mount (only it: tmpfs and volumes
// below keep their own mode) remounted ro when root.read_only.
void finish_rootfs(const Spec& spec);

// Docker's defaults when the spec leaves them empty.
const std::vector<std::string>& default_masked_paths();
const std::vector<std::string>& default_readonly_paths();

}  // namespace stack::engine::runtime
