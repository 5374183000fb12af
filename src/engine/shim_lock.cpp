#include "engine/shim_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <thread>

#include "base/error.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine {
namespace {

// The container's directory itself: a lock file of its own would be one more inode made
// and freed per container, and on an ext4 without a journal every inode allocated scans
// past the ones freed in the last half minute (an `up` just after a `down` pays for each).
std::string lock_path(const Layout& layout, const std::string& id) { return layout.container_dir(id); }

// The directory, open for flock; empty when it is gone.
UniqueFd open_lock(const Layout& layout, const std::string& id) {
  const std::string path = lock_path(layout, id);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd && errno != ENOENT) throw syscall_error("open " + path);
  return fd;
}

}  // namespace

ShimLockOrRunning hold_shim_lock(const Layout& layout, const std::string& id, const std::function<int()>& running_pid) {
  ShimLockOrRunning out;
  UniqueFd fd = open_lock(layout, id);
  if (!fd) return out;
  for (;;) {
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) break;
    if (errno != EWOULDBLOCK && errno != EINTR) throw syscall_error("lock " + lock_path(layout, id));
    // Held: a removal (for a moment) or another shim (for its life).
    if (::access(layout.spec_path(id).c_str(), F_OK) != 0) return out;
    if ((out.running_pid = running_pid()) > 0) return out;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Removal deletes the directory while it holds the lock: ours is then of a dead file.
  if (::access(layout.spec_path(id).c_str(), F_OK) == 0) out.lock = std::move(fd);
  return out;
}

UniqueFd try_shim_lock(const Layout& layout, const std::string& id) {
  UniqueFd fd = open_lock(layout, id);
  if (!fd) return fd;
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return UniqueFd();
    if (errno != EINTR) throw syscall_error("lock " + lock_path(layout, id));
  }
  return fd;
}

UniqueFd take_shim_lock(const Layout& layout, const std::string& id, const std::function<void()>& nudge,
                        std::chrono::milliseconds timeout) {
  UniqueFd fd = open_lock(layout, id);
  if (!fd) return fd;
  const auto start = std::chrono::steady_clock::now();
  auto next_nudge = start + std::chrono::milliseconds(100);  // a shim that is ending needs no push
  for (;;) {
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return fd;
    if (errno != EWOULDBLOCK && errno != EINTR) throw syscall_error("lock " + lock_path(layout, id));
    const auto now = std::chrono::steady_clock::now();
    if (now - start > timeout)
      throw Error("container " + id + ": its supervisor (stack-shim) holds it and does not end");
    if (now >= next_nudge) {
      nudge();
      next_nudge = now + std::chrono::milliseconds(100);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace stack::engine
