// The lock a container's stack-shim holds for its whole life: a flock on its container
// directory.
// A shim launched by a `stack` that was killed at once has not yet said "running" when
// the next `stack down` looks, so the records alone cannot tell that it is about to start
// the container. With the lock, removal waits for (and ends) any such shim, and a shim
// that finds its records gone once it holds the lock does nothing.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "base/unique_fd.hpp"
#include "engine/layout.hpp"

namespace stack::engine {

// For the shim: the lock, held; or, while another holds it, the running container's pid
// once `running_pid` (polled) finds one: a shim launched by a killed `stack` got there
// first and supervises the container this start asked for. Both empty when the
// container's records are gone (removed before or while waiting).
struct ShimLockOrRunning {
  UniqueFd lock;
  int running_pid = 0;
};
ShimLockOrRunning hold_shim_lock(const Layout& layout, const std::string& id, const std::function<int()>& running_pid);

// For a copy into or out of a stopped container: the lock, when no shim (nor a removal)
// holds it; empty when one does or the container's directory is gone. Held, it makes a
// start wait: its shim takes the lock before it mounts the container's filesystem.
UniqueFd try_shim_lock(const Layout& layout, const std::string& id);

// For removal: the lock, once no shim holds it. `nudge` is called every 100 ms while
// one does (to kill the container it is starting); throws stack::Error after `timeout`.
// An empty fd when the container's directory is already gone.
UniqueFd take_shim_lock(const Layout& layout, const std::string& id, const std::function<void()>& nudge,
                        std::chrono::milliseconds timeout);

}  // namespace stack::engine
