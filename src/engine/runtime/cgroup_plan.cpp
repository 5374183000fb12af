#include "engine/runtime/cgroup_plan.hpp"

#include <map>
#include <utility>

#include "base/error.hpp"

namespace stack::engine::runtime {

namespace {

// A spec value that docker treats as unset when 0.
template <class T>
bool is_set(const std::optional<T>& v) {
  return v && *v != 0;
}

CgroupWrite required(std::string controller, std::string file, std::string value) {
  return {std::move(controller), {{std::move(file), std::move(value)}}, false};
}

std::string device(int64_t major, int64_t minor) {
  return std::to_string(major) + ":" + std::to_string(minor);
}

std::string pids_max(int64_t limit) { return limit <= 0 ? "max" : std::to_string(limit); }

void v1_memory(const Resources& r, std::vector<CgroupWrite>& out) {
  if (is_set(r.memory_limit)) out.push_back(required("memory", "memory.limit_in_bytes", std::to_string(*r.memory_limit)));
  if (is_set(r.memory_reservation)) {
    out.push_back(required("memory", "memory.soft_limit_in_bytes", std::to_string(*r.memory_reservation)));
  }
  if (is_set(r.memory_swap)) {
    // Only with swap accounting (swapaccount=1); docker drops the limit without it.
    out.push_back({"memory", {{"memory.memsw.limit_in_bytes", std::to_string(*r.memory_swap)}}, true});
  }
  if (r.memory_swappiness) {
    out.push_back(required("memory", "memory.swappiness", std::to_string(*r.memory_swappiness)));
  }
  if (r.oom_kill_disable) out.push_back(required("memory", "memory.oom_control", "1"));
}

void v1_blkio(const Resources& r, std::vector<CgroupWrite>& out) {
  if (is_set(r.blkio_weight)) {
    std::string w = std::to_string(*r.blkio_weight);
    out.push_back({"blkio", {{"blkio.weight", w}, {"blkio.bfq.weight", w}}, true});
  }
  for (const auto& d : r.blkio_weight_device) {
    std::string line = device(d.major, d.minor) + " " + std::to_string(d.weight);
    out.push_back({"blkio", {{"blkio.weight_device", line}, {"blkio.bfq.weight_device", line}}, true});
  }
  auto throttle = [&](const std::vector<ThrottleDevice>& list, const char* file) {
    for (const auto& d : list) {
      out.push_back(required("blkio", file, device(d.major, d.minor) + " " + std::to_string(d.rate)));
    }
  };
  throttle(r.blkio_read_bps, "blkio.throttle.read_bps_device");
  throttle(r.blkio_write_bps, "blkio.throttle.write_bps_device");
  throttle(r.blkio_read_iops, "blkio.throttle.read_iops_device");
  throttle(r.blkio_write_iops, "blkio.throttle.write_iops_device");
}

void v2_memory(const Resources& r, std::vector<CgroupWrite>& out) {
  auto bytes = [](int64_t v) { return v < 0 ? std::string("max") : std::to_string(v); };
  if (is_set(r.memory_limit)) out.push_back(required("", "memory.max", bytes(*r.memory_limit)));
  if (is_set(r.memory_reservation)) out.push_back(required("", "memory.low", bytes(*r.memory_reservation)));
  std::optional<std::string> swap;
  if (is_set(r.memory_swap)) {
    swap = v2_swap_max(*r.memory_swap, r.memory_limit);
  } else if (r.memory_limit == -1) {
    swap = "max";  // unlimited memory without a swap value means unlimited swap too (runc)
  }
  if (swap) out.push_back({"", {{"memory.swap.max", *swap}}, true});
}

void v2_io(const Resources& r, std::vector<CgroupWrite>& out) {
  // io.bfq.weight takes the v1 scale as it is; io.weight needs the conversion.
  if (is_set(r.blkio_weight)) {
    out.push_back({"",
                   {{"io.bfq.weight", std::to_string(*r.blkio_weight)},
                    {"io.weight", std::to_string(blkio_weight_to_io_weight(*r.blkio_weight))}},
                   true});
  }
  for (const auto& d : r.blkio_weight_device) {
    std::string dev = device(d.major, d.minor) + " ";
    out.push_back({"",
                   {{"io.bfq.weight", dev + std::to_string(d.weight)},
                    {"io.weight", dev + std::to_string(blkio_weight_to_io_weight(d.weight))}},
                   true});
  }
  // io.max takes one line per device with every limit of that device.
  std::vector<std::string> order;
  std::map<std::string, std::string> limits;
  auto add = [&](const std::vector<ThrottleDevice>& list, const char* key) {
    for (const auto& d : list) {
      std::string dev = device(d.major, d.minor);
      if (!limits.count(dev)) order.push_back(dev);
      limits[dev] += std::string(" ") + key + "=" + std::to_string(d.rate);
    }
  };
  add(r.blkio_read_bps, "rbps");
  add(r.blkio_write_bps, "wbps");
  add(r.blkio_read_iops, "riops");
  add(r.blkio_write_iops, "wiops");
  for (const auto& dev : order) out.push_back(required("", "io.max", dev + limits[dev]));
}

}  // namespace

uint64_t cpu_shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0;
  if (shares < 2) shares = 2;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
  if (weight == 0) return 0;
  if (weight < 10) weight = 10;
  return 1 + ((weight - 10) * 9999) / 990;
}

std::string v2_swap_max(int64_t memory_swap, const std::optional<int64_t>& memory_limit) {
  if (memory_swap == -1) return "max";
  if (!memory_limit || *memory_limit <= 0) {
    throw Error("memory+swap limit " + std::to_string(memory_swap) + " needs a memory limit",
                "set mem_limit as well as memswap_limit");
  }
  if (memory_swap < *memory_limit) {
    throw Error("memory+swap limit " + std::to_string(memory_swap) + " is below the memory limit " +
                std::to_string(*memory_limit));
  }
  return std::to_string(memory_swap - *memory_limit);
}

DeviceAccess device_access(const Spec& spec) {
  DeviceAccess access;
  if (spec.privileged) {
    access.allow_all = true;
    return access;
  }
  access.allow = {"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",   "c 1:8 rwm",
                  "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm"};
  for (const Device& d : spec.devices)
    access.allow.push_back(std::string(1, d.type) + " " + std::to_string(d.major) + ":" + std::to_string(d.minor) + " " +
                           (d.permissions.empty() ? "rwm" : d.permissions));
  return access;
}

std::vector<CgroupWrite> v1_cgroup_writes(const Resources& r) {
  std::vector<CgroupWrite> out;
  v1_memory(r, out);
  if (is_set(r.cpu_shares)) out.push_back(required("cpu", "cpu.shares", std::to_string(*r.cpu_shares)));
  if (is_set(r.cpu_period)) out.push_back(required("cpu", "cpu.cfs_period_us", std::to_string(*r.cpu_period)));
  if (is_set(r.cpu_quota)) out.push_back(required("cpu", "cpu.cfs_quota_us", std::to_string(*r.cpu_quota)));
  if (!r.cpuset_cpus.empty()) out.push_back(required("cpuset", "cpuset.cpus", r.cpuset_cpus));
  if (!r.cpuset_mems.empty()) out.push_back(required("cpuset", "cpuset.mems", r.cpuset_mems));
  if (r.pids_limit) out.push_back(required("pids", "pids.max", pids_max(*r.pids_limit)));
  v1_blkio(r, out);
  return out;
}

std::vector<CgroupWrite> v2_cgroup_writes(const Resources& r) {
  std::vector<CgroupWrite> out;
  v2_memory(r, out);
  if (is_set(r.cpu_shares)) {
    out.push_back(required("", "cpu.weight", std::to_string(cpu_shares_to_weight(*r.cpu_shares))));
  }
  if (is_set(r.cpu_quota) || is_set(r.cpu_period)) {
    std::string quota = is_set(r.cpu_quota) && *r.cpu_quota > 0 ? std::to_string(*r.cpu_quota) : "max";
    uint64_t period = is_set(r.cpu_period) ? *r.cpu_period : 100000;
    out.push_back(required("", "cpu.max", quota + " " + std::to_string(period)));
  }
  if (!r.cpuset_cpus.empty()) out.push_back(required("", "cpuset.cpus", r.cpuset_cpus));
  if (!r.cpuset_mems.empty()) out.push_back(required("", "cpuset.mems", r.cpuset_mems));
  if (r.pids_limit) out.push_back(required("", "pids.max", pids_max(*r.pids_limit)));
  v2_io(r, out);
  return out;
}

}  // namespace stack::engine::runtime
