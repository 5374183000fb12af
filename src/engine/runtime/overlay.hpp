// The two ways of mounting the container's overlay. mount_rootfs (rootfs.hpp) picks:
// the new mount API first, the classic option string when the kernel lacks "lowerdir+".
#pragma once

#include <string>

#include "base/unique_fd.hpp"
#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

// The overlay of `root` built with the new mount API and left detached: the mount's fd,
// which is also a directory fd of its root; read-only when `root` has no upper dir. Not
// attached anywhere, it vanishes with its last fd (nothing to unmount, even after a
// crash). An empty fd when the kernel rejects "lowerdir+" (< 6.8). `what` names it in errors.
UniqueFd overlay_detached(const Root& root, const std::string& what);

// fsopen("overlay") with one "lowerdir+" per layer (no limit but overlay's own 500).
// Returns false, having mounted nothing, when the kernel rejects "lowerdir+" (< 6.8).
bool mount_overlay_layered(const Root& root, const std::string& target);

// mount(2) with "lowerdir=0:1:...,upperdir=u,workdir=w": the option string must fit in
// one page, so every directory is reached through a short symlink in a temporary
// directory (removed again) that is the working directory during the mount, as
// Docker's overlay2 does with its "l/" links.
void mount_overlay_classic(const Root& root, const std::string& target);

}  // namespace stack::engine::runtime
