// The filesystems `cp` copies between (fs_view.hpp): the host's, and a container's,
// through its init's /proc/<pid>/root while it runs (the kernel shows its mounts there),
// else through a detached overlay of its layers and upper directory, which nothing else
// can see and which vanishes with its fd (no mount to clean up, even after a crash),
// together with its binds and volumes, whose sources the view reaches directly.
#pragma once

#include <string>

#include "base/unique_fd.hpp"
#include "engine/containers.hpp"
#include "engine/cp/fs_view.hpp"

namespace stack::engine::cp {

struct ContainerFs {
  std::string name;
  FsView view;
  UniqueFd stopped_lock;  // the shim lock of a stopped container, for as long as the view is used
};

// Throws stack::Error when the container's filesystem cannot be reached. A stopped
// container stays stopped while the result lives: a start waits for it (its shim would
// otherwise mount the upper directory a second time beside the copy's overlay).
ContainerFs open_container_fs(const Containers& containers, const std::string& id);

// The host's filesystem: "/" with nothing redirected.
FsView host_view();

}  // namespace stack::engine::cp
