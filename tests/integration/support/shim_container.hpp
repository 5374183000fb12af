// A container supervised by the real stack-shim, on the busybox fixture, under a
// temporary state root: what `stack container create` writes (spec, config, state),
// then start_shim. The destructor stops whatever still runs and removes it all.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "engine/container_config.hpp"
#include "engine/container_state.hpp"
#include "engine/layout.hpp"
#include "engine/runtime/spec.hpp"
#include "support/busybox_rootfs.hpp"

namespace stack::testing {

class ShimContainer {
 public:
  ShimContainer(const BusyboxRootfs& fs, std::vector<std::string> args);
  ~ShimContainer();

  engine::runtime::Spec spec;
  engine::ContainerConfig config;

  // Writes the documents (after the test adjusted spec/config) and starts the shim.
  pid_t start();
  engine::ContainerState state() const;
  std::string log_text() const;  // every log file, oldest first, raw JSON lines
  const engine::Layout& layout() const { return layout_; }
  const std::string& id() const { return id_; }
  std::string dir() const { return layout_.container_dir(id_); }

 private:
  const BusyboxRootfs& fs_;
  engine::Layout layout_;
  std::string id_;
};

// Polls `condition` every 10 ms until it holds or `timeout` passed; returns whether it held.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

bool process_alive(pid_t pid);

}  // namespace stack::testing
