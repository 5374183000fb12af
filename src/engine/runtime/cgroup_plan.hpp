// Which cgroup files a container's Resources turn into, for v1 and for v2: a plain list
// of writes, decided without touching the kernel (Cgroup::create applies it). The
// conversions between the v1 units of the spec and v2 follow runc, so that a compose
// file limits a container the same way under docker and stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

struct CgroupWrite {
  struct Choice {
    std::string file;
    std::string value;
    bool operator==(const Choice&) const = default;
  };
  std::string controller;  // v1 controller directory ("memory"); "" on v2
  // Candidates in order of preference; the first whose file exists is written (kernels
  // name some files differently: blkio.weight or blkio.bfq.weight).
  std::vector<Choice> choices;
  // When no candidate exists: true skips the write (the kernel lacks the feature, e.g.
  // swap accounting, and docker drops such a limit too); false writes the first
  // candidate anyway so the missing file is reported.
  bool optional = false;
  bool operator==(const CgroupWrite&) const = default;
};

// In the order the kernel needs them (memory limit before memory+swap, cfs period
// before quota). As in docker, a byte, share, weight or quota value of 0 means "not
// set"; pids_limit 0 or -1 means unlimited; swappiness 0 is a real value. v2 has no
// swappiness and no switch for the OOM killer: those two are dropped there, as runc
// does. Throws stack::Error for limits that cannot be expressed.
std::vector<CgroupWrite> v1_cgroup_writes(const Resources& resources);
std::vector<CgroupWrite> v2_cgroup_writes(const Resources& resources);

// Device access of a container, as Docker sets it with the devices controller: every
// device denied, then mknod of any node and read/write of the standard ones (null,
// zero, full, random, urandom, tty, console, ptmx, pts, tun) and of the spec's
// devices. Privileged containers may use every device.
struct DeviceAccess {
  bool allow_all = false;
  std::vector<std::string> allow;  // "c 1:3 rwm" lines for devices.allow
  bool operator==(const DeviceAccess&) const = default;
};
DeviceAccess device_access(const Spec& spec);

// v1 cpu.shares (2..262144) -> v2 cpu.weight (1..10000); 0 means unset and stays 0.
uint64_t cpu_shares_to_weight(uint64_t shares);
// v1 blkio weight (10..1000) -> v2 io.weight (1..10000); 0 stays 0.
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// The v2 memory.swap.max value for the spec's memory+swap total: "max" for -1, else
// memory_swap - memory_limit. Throws when no memory limit is given or swap < limit.
std::string v2_swap_max(int64_t memory_swap, const std::optional<int64_t>& memory_limit);

}  // namespace stack::engine::runtime
