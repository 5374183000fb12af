// Capability names and the set a container gets (pure rules; the kernel side is in
// capabilities_apply.cpp).
#include "engine/runtime/capabilities.hpp"

#include <algorithm>
#include <cctype>

#include "base/error.hpp"

namespace stack::engine::runtime {
namespace {

// Upper case with the CAP_ prefix, the one spelling used everywhere after input.
std::string normalize(const std::string& name) {
  std::string upper;
  upper.reserve(name.size() + 4);
  for (char c : name) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return upper.rfind("CAP_", 0) == 0 ? upper : "CAP_" + upper;
}

bool is_all(const std::string& name) { return normalize(name) == "CAP_ALL"; }

bool contains_all(const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(), is_all);
}

// Canonical names of `names` without "ALL"; throws for an unknown one.
std::vector<std::string> canonical_list(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names)
    if (!is_all(name)) out.push_back(canonical_capability_name(name));
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Capability-number order, no duplicates.
std::vector<std::string> sorted_unique(std::vector<std::string> caps) {
  std::sort(caps.begin(), caps.end(),
            [](const auto& a, const auto& b) { return capability_number(a) < capability_number(b); });
  caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
  return caps;
}

}  // namespace

const std::vector<std::string>& known_capabilities() {
  static const std::vector<std::string> names = {
      "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
      "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
      "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
      "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
      "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
      "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
      "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
      "CAP_CHECKPOINT_RESTORE",
  };
  return names;
}

const std::vector<std::string>& default_capabilities() {
  static const std::vector<std::string> caps = {
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",  "CAP_FOWNER",           "CAP_MKNOD",
      "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",  "CAP_SETFCAP",          "CAP_SETPCAP",
      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
  };
  return caps;
}

std::string canonical_capability_name(const std::string& name) {
  std::string canonical = normalize(name);
  if (!has(known_capabilities(), canonical)) throw Error("unknown capability \"" + canonical + "\"");
  return canonical;
}

int capability_number(const std::string& name) {
  const auto& known = known_capabilities();
  std::string canonical = canonical_capability_name(name);
  return static_cast<int>(std::find(known.begin(), known.end(), canonical) - known.begin());
}

std::vector<std::string> resolve_capabilities(const std::vector<std::string>& cap_add,
                                              const std::vector<std::string>& cap_drop, bool privileged) {
  return resolve_capabilities(cap_add, cap_drop, privileged, host_capabilities());
}

// Docker's rules: "ALL" in cap_add = every host capability minus cap_drop; "ALL" in
// cap_drop = only cap_add; otherwise the defaults minus cap_drop plus cap_add.
std::vector<std::string> resolve_capabilities(const std::vector<std::string>& cap_add,
                                              const std::vector<std::string>& cap_drop, bool privileged,
                                              const std::vector<std::string>& host) {
  if (privileged) return sorted_unique(host);
  std::vector<std::string> add = canonical_list(cap_add);
  std::vector<std::string> drop = canonical_list(cap_drop);
  for (const auto& cap : add)
    if (!has(host, cap))
      throw Error("capability \"" + cap + "\" is not in this host's bounding set",
                  "the host (or the environment stack runs in) does not grant it; remove it from cap_add");
  std::vector<std::string> caps;
  if (contains_all(cap_add)) {
    for (const auto& cap : host)
      if (!has(drop, cap)) caps.push_back(cap);
  } else if (contains_all(cap_drop)) {
    caps = add;
  } else {
    for (const auto& cap : default_capabilities())
      if (!has(drop, cap) && has(host, cap)) caps.push_back(cap);
    caps.insert(caps.end(), add.begin(), add.end());
  }
  return sorted_unique(caps);
}

}  // namespace stack::engine::runtime
