// Device nodes in the container's /dev: the spec's `devices`, and with `privileged`
// every character and block device of the host (as Docker's --privileged).
#pragma once

#include <sys/types.h>

#include <string>

#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

// mknodat(dir_fd, name) with exactly `mode` (not reduced by the umask), owned by
// uid:gid; replaces whatever was there. `path` names the node in errors.
void make_device_node(int dir_fd, const std::string& name, mode_t type, dev_t dev, mode_t mode, uid_t uid, gid_t gid,
                      const std::string& path);

// spec.devices at their paths (resolved inside the rootfs); with spec.privileged
// first every host device under /dev (the host's /dev: call before pivot_root) that
// the container's /dev does not have yet.
void make_devices(int root_fd, const Spec& spec);

}  // namespace stack::engine::runtime
