// The kernel side of capabilities: reading the bounding set and applying a set to the
// current process with raw capget/capset and prctl (no libcap).
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "engine/runtime/capabilities.hpp"

namespace stack::engine::runtime {
namespace {

// The highest capability number this kernel knows.
int last_cap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = -1;
  if (!(in >> last) || last < 0)
    throw syscall_error("read /proc/sys/kernel/cap_last_cap", errno ? errno : EINVAL);
  return last;
}

// The three capability sets as 64-bit masks (capget's two 32-bit words joined).
struct CapSets {
  uint64_t effective = 0;
  uint64_t permitted = 0;
  uint64_t inheritable = 0;
};

CapSets get_caps() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capget, &header, data) != 0) throw syscall_error("capget");
  auto join = [](uint32_t low, uint32_t high) { return (uint64_t{high} << 32) | low; };
  return {join(data[0].effective, data[1].effective), join(data[0].permitted, data[1].permitted),
          join(data[0].inheritable, data[1].inheritable)};
}

void set_caps(const CapSets& sets) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  for (int word = 0; word < 2; ++word) {
    data[word].effective = static_cast<uint32_t>(sets.effective >> (32 * word));
    data[word].permitted = static_cast<uint32_t>(sets.permitted >> (32 * word));
    data[word].inheritable = static_cast<uint32_t>(sets.inheritable >> (32 * word));
  }
  if (syscall(SYS_capset, &header, data) != 0) {
    const int err = errno;
    char mask[64];
    std::snprintf(mask, sizeof mask, "%016llx", static_cast<unsigned long long>(sets.permitted));
    throw syscall_error("capset (permitted " + std::string(mask) + ")", err);
  }
}

uint64_t mask_of(const std::vector<std::string>& caps) {
  uint64_t mask = 0;
  for (const auto& cap : caps) mask |= uint64_t{1} << capability_number(cap);
  return mask;
}

std::string cap_label(int cap) {
  const auto& known = known_capabilities();
  return cap < static_cast<int>(known.size()) ? known[cap] : "capability " + std::to_string(cap);
}

// Drops from the bounding set every capability not in `keep` (needs CAP_SETPCAP effective).
void limit_bounding_set(uint64_t keep) {
  int last = last_cap();
  for (int cap = 0; cap <= last; ++cap) {
    if (cap < 64 && (keep & (uint64_t{1} << cap))) continue;
    int present = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (present < 0) {
      const int err = errno;
      throw syscall_error("read " + cap_label(cap) + " in the bounding set", err);
    }
    if (present == 0) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      const int err = errno;
      // SyscallError carries no hint: its text, with one.
      throw Error(syscall_error("drop " + cap_label(cap) + " from the bounding set", err).what(),
                  err == EPERM ? "CAP_SETPCAP is needed; for a non-root user call "
                                 "prepare_capabilities_for_setuid() before setuid"
                               : "");
    }
  }
}

}  // namespace

std::vector<std::string> host_capabilities() {
  const auto& known = known_capabilities();
  int last = last_cap();
  std::vector<std::string> caps;
  for (int cap = 0; cap <= last && cap < static_cast<int>(known.size()); ++cap) {
    int present = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (present < 0) throw syscall_error("read " + known[cap] + " in the bounding set");
    if (present == 1) caps.push_back(known[cap]);
  }
  return caps;
}

void prepare_capabilities_for_setuid() {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) throw syscall_error("prctl(PR_SET_KEEPCAPS, 1)");
}

void apply_capabilities(const std::vector<std::string>& caps, bool root_user) {
  uint64_t wanted = mask_of(caps);
  // After setuid with KEEPCAPS the effective set is empty but the permitted set is kept:
  // raise effective to permitted so CAP_SETPCAP works for the bounding-set drops.
  CapSets current = get_caps();
  if (current.effective != current.permitted) {
    current.effective = current.permitted;
    set_caps(current);
  }
  limit_bounding_set(wanted);
  uint64_t granted = root_user ? wanted : 0;
  set_caps({granted, granted, granted});
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
    throw syscall_error("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) throw syscall_error("prctl(PR_SET_KEEPCAPS, 0)");
}

bool has_effective_capability(int cap) {
  if (cap < 0 || cap >= 64) return false;
  try {
    return (get_caps().effective >> cap) & 1;
  } catch (const Error&) {
    return false;  // capget refused: nothing can be claimed
  }
}

}  // namespace stack::engine::runtime
