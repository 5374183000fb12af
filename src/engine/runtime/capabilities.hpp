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
// lacks CAP_SYS_RESOURCE, so a fixed "all" list would fail). In capability-number order.
std::vector<std::string> host_capabilities();

// Every capability name this build knows, index = capability number (0..CAP_CHECKPOINT_RESTORE).
const std::vector<std::string>& known_capabilities();

// The set a container gets: privileged -> host_capabilities(); else the defaults plus
// cap_add minus cap_drop. Names are accepted with or without "CAP_" and in any case;
// "ALL" in cap_add means every host capability, in cap_drop every one (then cap_add
// adds back). Unknown names throw stack::Error("unknown capability \"CAP_FOO\"").
// A capability added that the host bounding set lacks throws, naming it; a default
// capability the host lacks is left out (nothing could grant it). The result is in
// capability-number order, without duplicates, names in canonical "CAP_X" form.
std::vector<std::string> resolve_capabilities(const std::vector<std::string>& cap_add,
                                              const std::vector<std::string>& cap_drop, bool privileged);

// The same against a given host set (canonical names), so the rules are testable anywhere.
std::vector<std::string> resolve_capabilities(const std::vector<std::string>& cap_add,
                                              const std::vector<std::string>& cap_drop, bool privileged,
                                              const std::vector<std::string>& host);

// In the container child, before setuid/setgid to a non-root user: sets PR_SET_KEEPCAPS
// so the permitted set survives the uid change and apply_capabilities can still drop
// the bounding set (which needs CAP_SETPCAP). Not needed when the process stays uid 0.
void prepare_capabilities_for_setuid();

// In the container child: bounding set reduced to `caps`, then permitted, effective and
// inheritable set to `caps` (all empty for a non-root uid, as Docker does), ambient
// cleared, PR_SET_KEEPCAPS cleared. Call after setuid; for a non-root uid call
// prepare_capabilities_for_setuid() before the setuid. Throws stack::Error on failure.
void apply_capabilities(const std::vector<std::string>& caps, bool root_user);

// True when the calling process has capability number `cap` (CAP_SYS_ADMIN, ...) in
// its effective set; false also when capget fails.
bool has_effective_capability(int cap);

// "CAP_NET_ADMIN" -> 12; throws for an unknown name. Accepts the same spellings as
// canonical_capability_name.
int capability_number(const std::string& name);

// "net_admin", "NET_ADMIN", "cap_net_admin" -> "CAP_NET_ADMIN"; throws
// stack::Error("unknown capability \"CAP_FOO\"") for a name this build does not know.
std::string canonical_capability_name(const std::string& name);

}  // namespace stack::engine::runtime
