#include "engine/runtime/spec_json.hpp"

#include <nlohmann/json.hpp>

#include "base/error.hpp"

namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (j.is_null()) {
      v.reset();
    } else {
      v = j.get<T>();
    }
  }
};
}  // namespace nlohmann

namespace stack::engine::runtime {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Rlimit, type, soft, hard)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Process, args, env, cwd, user, group_add, terminal, rlimits,
                                                no_new_privileges, capabilities, oom_score_adj)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Root, lower_dirs, upper_dir, work_dir, read_only)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Mount, destination, type, source, options)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Namespace, type, path)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Device, path, type, major, minor, file_mode, uid, gid, permissions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ThrottleDevice, major, minor, rate)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WeightDevice, major, minor, weight)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Resources, memory_limit, memory_reservation, memory_swap,
                                                memory_swappiness, oom_kill_disable, cpu_shares, cpu_quota, cpu_period,
                                                cpuset_cpus, cpuset_mems, pids_limit, blkio_weight, blkio_weight_device,
                                                blkio_read_bps, blkio_write_bps, blkio_read_iops, blkio_write_iops)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Spec, process, root, hostname, domainname, mounts, namespaces, sysctl,
                                                resources, cgroup_parent, seccomp_profile, masked_paths,
                                                readonly_paths, devices, privileged, shm_size)

std::string spec_to_json(const Spec& spec) { return nlohmann::json(spec).dump(2); }

Spec spec_from_json(const std::string& text, const std::string& origin) {
  try {
    return nlohmann::json::parse(text).get<Spec>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": invalid container spec: " + e.what());
  }
}

}  // namespace stack::engine::runtime
