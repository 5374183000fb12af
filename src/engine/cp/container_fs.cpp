#include "engine/cp/container_fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "base/syscall_error.hpp"
#include "engine/runtime/overlay.hpp"
#include "engine/shim_lock.hpp"

namespace stack::engine::cp {
namespace {

bool has_process(const ContainerView& v) {
  const Status s = v.state.status;
  return v.state.pid > 0 && (s == Status::Running || s == Status::Paused || s == Status::Restarting);
}

UniqueFd open_path(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd) throw syscall_error("open " + path);
  return fd;
}

// A bind (volumes are binds of their directories too) as the stopped view reaches it;
// nothing when its source is gone (a stopped container's run files may be).
// Its destination is resolved in the view made so far, as the runtime resolves it in the
// rootfs with the earlier mounts in place (an image's /var/run -> /run included).
std::optional<MountPoint> mount_point(const FsView& view, const runtime::Mount& m) {
  struct stat st {};
  if (m.type != "bind" || ::stat(m.source.c_str(), &st) != 0) return std::nullopt;
  MountPoint point;
  point.destination = resolve_components(view, m.destination, true);
  point.read_only = std::find(m.options.begin(), m.options.end(), "ro") != m.options.end();
  if (S_ISDIR(st.st_mode)) {
    point.dir = open_path(m.source, O_PATH | O_DIRECTORY);
    return point;
  }
  const size_t slash = m.source.rfind('/');
  point.dir = open_path(slash == 0 ? "/" : m.source.substr(0, slash), O_PATH | O_DIRECTORY);
  point.prefix = m.source.substr(slash + 1);
  return point;
}

FsView stopped_view(const runtime::Spec& spec, const std::string& name) {
  const std::string what = "container " + name;
  FsView view;
  view.root = runtime::overlay_detached(spec.root, what + ": mount its filesystem");
  if (!view.root)
    throw Error(what + " is not running, and reaching its files needs overlay's \"lowerdir+\" (Linux 6.8)",
                "start the container, then copy");
  view.root_read_only = spec.root.read_only;
  for (const runtime::Mount& m : spec.mounts)
    if (std::optional<MountPoint> point = mount_point(view, m)) view.mounts.push_back(std::move(*point));
  return view;
}

}  // namespace

ContainerFs open_container_fs(const Containers& containers, const std::string& id) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const ContainerView v = containers.view(id);
    ContainerFs fs{v.config.name, {}, {}};
    if (has_process(v)) {
      // It may have exited since: then its files are reached as a stopped container's.
      fs.view.root = UniqueFd(::open(("/proc/" + std::to_string(v.state.pid) + "/root").c_str(),
                                     O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (fs.view.root) return fs;
    }
    if ((fs.stopped_lock = try_shim_lock(containers.layout(), id))) {
      fs.view = stopped_view(containers.spec(id), v.config.name);
      return fs;
    }
    // A shim holds the lock: it is starting the container (or waiting to restart it).
    if (std::chrono::steady_clock::now() > deadline)
      throw Error("container " + v.config.name + " is being started or restarted: its files cannot be reached now",
                  "copy again once it runs");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

FsView host_view() {
  FsView view;
  view.root = open_path("/", O_PATH | O_DIRECTORY);
  return view;
}

}  // namespace stack::engine::cp
