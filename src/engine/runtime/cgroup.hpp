// Container cgroups on v1, v2 and hybrid hosts (v1 controllers plus an empty unified
// tree, as on the machines here), detected at run time. One cgroup per container,
// named <parent>/<id> under every controller (v1) or under the unified root (v2).
// All file access goes through the cgroup root path, so tests can point it at a
// temporary directory that imitates cgroupfs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

#include "engine/runtime/cgroup_plan.hpp"
#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

enum class CgroupMode { V1, V2, Hybrid };

class Cgroup {
 public:
  Cgroup() = default;
  // Throws stack::Error when `relative` is empty, absolute or contains "..".
  Cgroup(CgroupMode mode, std::string root, std::string relative);

  // Creates the directories (an existing one is reused) and writes the limits
  // (cgroup_plan.hpp says which files). v1: in every controller mounted under the root;
  // cpuset.cpus/mems are copied from the parent when empty, or the kernel refuses
  // tasks. v2: the controllers are enabled in cgroup.subtree_control along the parent
  // chain first. Throws stack::Error naming the file and the value when the kernel
  // refuses one (`write /sys/fs/cgroup/memory/stack/x/memory.limit_in_bytes "1000":
  // Invalid argument`). The directories this call made are removed before the error is
  // thrown.
  void create(const Resources& resources);
  // Restricts device access (v1 devices controller: deny all, then the allow list).
  // On v2 device access needs an eBPF program, not written yet: nothing is restricted
  // there beyond what the container's /dev holds.
  void restrict_devices(const DeviceAccess& access);
  // Moves a process (and later its children) into the cgroup.
  void add_process(pid_t pid) const;
  // Returns once every process is frozen (throws, thawed again, after 5 s without).
  void freeze();
  void thaw();
  bool frozen() const;
  // True once the kernel OOM-killed a process of this cgroup.
  bool oom_killed() const;
  uint64_t memory_usage() const;
  std::vector<pid_t> pids() const;
  // Removes the cgroup everywhere (best effort over controllers: every failure is
  // collected and reported in one stack::Error at the end). Waits briefly for the
  // kernel to release a cgroup whose last process just exited.
  // Removing a cgroup that is already gone is not an error.
  void remove();

  CgroupMode mode() const { return mode_; }
  // The directory of `controller` (v1) or the unified directory (v2; controller ignored).
  std::string path(const std::string& controller) const;
  // cgroup "relative" path, e.g. "stack/abc123".
  const std::string& relative() const { return relative_; }
  const std::string& root() const { return root_; }

 private:
  // Every directory of this cgroup: one per mounted v1 controller (co-mounted
  // controllers such as cpu,cpuacct once), or the unified one.
  std::vector<std::string> dirs() const;

  CgroupMode mode_ = CgroupMode::V2;
  std::string root_;      // /sys/fs/cgroup
  std::string relative_;  // parent/id
};

// Looks at `root` (default /sys/fs/cgroup): cgroup2 mounted at the root -> V2;
// v1 controller directories (memory, cpu, ...) with or without "unified" -> V1/Hybrid.
CgroupMode detect_cgroup_mode(const std::string& root = "/sys/fs/cgroup");

// The cgroup of container `id` under `parent` (the spec's cgroup_parent), in the mode
// the host has: the one place that names a container's cgroup.
Cgroup container_cgroup(const std::string& parent, const std::string& id, const std::string& root = "/sys/fs/cgroup");

// The v1 controllers a container cgroup is made in (those mounted under the root).
const std::vector<std::string>& v1_controllers();

}  // namespace stack::engine::runtime
