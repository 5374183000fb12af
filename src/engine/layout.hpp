// The one place that knows where things live under the state roots (DESIGN section 9).
//
//   <root>/containers/<id>/            config.json, spec.json, state.json, <id>-json.log[.N],
//                                      rootfs/ (mount point), diff/ (overlay upper), work/
//   <root>/names/<name>                a symlink to the id: the name is taken (made with
//                                      symlink(2), which fails if it exists: no lock needed)
//   <root>/image/                      the image store (engine/image/store.hpp)
//   <root>/cache/seccomp/              compiled seccomp programs
//   <root>/cache/init-layer/           the layer above every container's image (init_layer.hpp)
//   <root>/events/journal[.1]          the event journal (event_journal.hpp): one JSON line per
//                                      container event, appended by stack and every shim
//   <root>/events/journal.lock         shared by appenders, exclusive for a rotation
//   <run_root>/containers/<id>/        shim.sock (the shim's control socket)
#pragma once

#include <string>

#include "engine/shim_protocol.hpp"

namespace stack::engine {

struct Roots {
  std::string root = "/var/lib/stack";
  std::string run_root = "/run/stack";
};

// The flags win, then STACK_ROOT / STACK_RUN_ROOT, then /var/lib/stack and /run/stack.
// Relative paths are made absolute against the working directory.
Roots resolve_roots(const std::string& root_flag, const std::string& run_root_flag);

class Layout {
 public:
  explicit Layout(Roots roots) : roots_(std::move(roots)) {}

  const Roots& roots() const { return roots_; }
  std::string containers_dir() const { return roots_.root + "/containers"; }
  std::string container_dir(const std::string& id) const { return containers_dir() + "/" + id; }
  std::string spec_path(const std::string& id) const { return container_dir(id) + "/spec.json"; }
  std::string log_path(const std::string& id) const { return container_dir(id) + "/" + id + "-json.log"; }
  std::string rootfs_dir(const std::string& id) const { return container_dir(id) + "/rootfs"; }
  std::string upper_dir(const std::string& id) const { return container_dir(id) + "/diff"; }
  std::string work_dir(const std::string& id) const { return container_dir(id) + "/work"; }
  std::string image_dir() const { return roots_.root + "/image"; }  // the image store (image/store.hpp)
  std::string seccomp_cache_dir() const { return roots_.root + "/cache/seccomp"; }
  std::string init_layer_dir() const { return roots_.root + "/cache/init-layer"; }
  std::string names_dir() const { return roots_.root + "/names"; }
  std::string name_path(const std::string& name) const { return names_dir() + "/" + name; }
  std::string events_dir() const { return roots_.root + "/events"; }

  std::string containers_run_dir() const { return roots_.run_root + "/containers"; }
  std::string container_run_dir(const std::string& id) const { return containers_run_dir() + "/" + id; }
  std::string shim_socket(const std::string& id) const {
    return container_run_dir(id) + "/" + shim_protocol::kSocketName;
  }

 private:
  Roots roots_;
};

}  // namespace stack::engine
