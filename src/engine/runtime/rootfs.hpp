// The container's filesystem, built inside its new mount namespace (so every mount
// disappears with the namespace and nothing is left on the host):
//   overlay of the layers -> spec mounts -> /proc, /sys (ro), /dev (tmpfs with null,
//   zero, full, random, urandom, tty, ptmx, pts, shm, mqueue, fd links, spec devices)
//   -> masked and read-only paths -> pivot_root.
// Every failure throws stack::Error naming the mount: "mount tmpfs on /run: invalid argument".
#pragma once

#include <string>

#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

// Mounts the overlay of root.lower_dirs (+ upper/work) on `target` with the new mount
// API (fsopen/fsconfig "lowerdir+" one layer at a time: no limit on the number of layers),
// falling back to the classic option string on kernels without lowerdir+ (< 6.8).
// read_only mounts it read-only. One lower dir and no upper: a read-only bind.
void mount_rootfs(const Root& root, const std::string& target);

// Everything after the overlay, relative to `rootfs` (still at its host path): spec
// mounts, /proc, /sys, /dev and its nodes, /dev/pts, /dev/shm (shm_size), /dev/mqueue,
// devices, then pivot_root into it and detach the old root. After this the process
// sees only the container's filesystem. Masked/readonly paths are applied by
// finish_rootfs, after sysctls were written.
void setup_rootfs(const Spec& spec, const std::string& rootfs);

// After pivot_root: masked paths (/dev/null over files, empty ro tmpfs over dirs),
// read-only paths (bind remounted ro), and the rootfs remounted ro when root.read_only.
void finish_rootfs(const Spec& spec);

// Docker's defaults when the spec leaves them empty.
const std::vector<std::string>& default_masked_paths();
const std::vector<std::string>& default_readonly_paths();

}  // namespace stack::engine::runtime
