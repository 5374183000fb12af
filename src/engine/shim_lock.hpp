// The lock a container's stack-shim holds for its whole life: <container dir>/shim.lock.
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

// For the shim: waits for the lock and returns it held, or an empty fd when the
// container's records are gone (removed before or while waiting).
UniqueFd hold_shim_lock(const Layout& layout, const std::string& id);

// For removal: the lock, once no shim holds it. `nudge` is called every 100 ms while
// one does (to kill the container it is starting); throws stack::Error after `timeout`.
// An empty fd when the container's directory is already gone.
UniqueFd take_shim_lock(const Layout& layout, const std::string& id, const std::function<void()>& nudge,
                        std::chrono::milliseconds timeout);

}  // namespace stack::engine
