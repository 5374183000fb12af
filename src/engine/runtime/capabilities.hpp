// Linux capabilities: names, Docker's default set, and applying a set to the
// current process (in the container child, before exec).
#pragma once

#include <string>
#include <vector>

namespace stack::engine::runtime {

// Docker's default 14: CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
// CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
// CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE.
const std::vector<std::string>& default_capabilities();

// Every capability in this host's bounding set (what `privileged` grants; this host
// lacks CAP_SYS_RESOURCE, so a fixed "all" list would fail).
std::vector<std::string> host_capabilities();

// The set a container gets: privileged -> host_capabilities(); else the defaults plus
// cap_add minus cap_drop. Names are accepted with or without "CAP_" and in any case;
// "ALL" in cap_add means every host capability, in cap_drop every one (then cap_add
// adds back). Unknown names throw stack::Error("unknown capability \"CAP_FOO\"").
// A capability added that the host bounding set lacks throws, naming it.
std::vector<std::string> resolve_capabilities(const std::vector<std::string>& cap_add,
                                              const std::vector<std::string>& cap_drop, bool privileged);

// In the container child: bounding set reduced to `caps`, then permitted, effective and
// inheritable set to `caps` (all empty for a non-root uid, as Docker does), ambient
// cleared. Call after setuid (uses PR_SET_KEEPCAPS semantics internally as needed).
// Throws stack::Error on failure.
void apply_capabilities(const std::vector<std::string>& caps, bool root_user);

// "CAP_NET_ADMIN" -> 12; throws for an unknown name.
int capability_number(const std::string& name);

}  // namespace stack::engine::runtime
