// The spec's own mounts (volumes, binds, tmpfs, other filesystems), each made inside
// the rootfs at its destination (created when missing, resolved inside the rootfs).
#pragma once

#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

// Bind ("bind" type or "bind"/"rbind" option): a clone of the source tree, given its
// attributes ("ro", "nosuid", ...) before it is attached, then its propagation.
// Anything else: a new filesystem of that type with the data options.
// Errors name the mount: "mount /srv/x on /data: No such file or directory",
// "mount tmpfs on /run (size=abc): Invalid argument".
void mount_in_root(int root_fd, const Mount& mount);

}  // namespace stack::engine::runtime
