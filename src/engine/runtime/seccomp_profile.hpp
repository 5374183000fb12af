// A seccomp profile as data (Docker's JSON model), before it meets libseccomp: the
// default profile and custom JSON profiles both become this, are resolved against the
// container's capabilities and this machine (arch, kernel), then compiled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stack::engine::runtime::seccomp {

enum class Action { Allow, Errno, Kill, KillProcess, Trap, Log };

struct ArgCondition {
  unsigned index = 0;      // 0..5
  uint64_t value = 0;      // for MASKED_EQ: the mask
  uint64_t value_two = 0;  // for MASKED_EQ: the value compared after masking
  std::string op;          // "SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", ... "SCMP_CMP_MASKED_EQ"
  bool operator==(const ArgCondition&) const = default;
};

// Docker's includes/excludes: a rule applies when every listed condition matches
// (includes) and none does (excludes).
struct Filter {
  std::vector<std::string> caps;    // canonical "CAP_X"
  std::vector<std::string> arches;  // Go arch names: "amd64", "arm64", "s390x", ...
  std::string min_kernel;           // "4.8"
  bool operator==(const Filter&) const = default;
};

struct Rule {
  std::vector<std::string> names;
  Action action = Action::Allow;
  std::optional<int> errno_ret;  // for Errno (default EPERM)
  std::vector<ArgCondition> args;
  Filter includes;
  Filter excludes;
  bool operator==(const Rule&) const = default;
};

struct Profile {
  Action default_action = Action::Errno;
  std::optional<int> default_errno_ret;
  std::vector<std::string> arches;  // libseccomp names ("SCMP_ARCH_X86"); empty = native only
  std::vector<Rule> rules;
  // The errno for a syscall of an ABI `arches` leaves out; unset: libseccomp's default,
  // which kills the thread (and what a JSON profile gets).
  std::optional<int> bad_arch_errno;
};

// Docker's default profile (data from moby's profiles/seccomp/default.json) with the
// architectures that profile maps to this machine's.
Profile default_profile();

// A Docker-format profile from JSON text; `origin` (the file path) starts every error.
Profile parse_profile(const std::string& json_text, const std::string& origin);

// The rules that apply for `caps` on this machine (includes/excludes evaluated,
// capability names canonical), in profile order.
Profile resolve_profile(Profile profile, const std::vector<std::string>& caps);

// A canonical text of a resolved profile: equal text = equal filter (the cache key).
std::string canonical_text(const Profile& resolved);

// The BPF program (struct sock_filter array) for a resolved profile. Syscall names
// this libseccomp does not know are skipped.
std::string compile_profile(const Profile& resolved);

// "SCMP_ACT_ERRNO" -> Action::Errno; nullopt for an unknown name.
std::optional<Action> action_from_name(const std::string& name);
std::string action_name(Action action);

// This machine's Go arch name ("amd64") and kernel release ("6.18.0").
std::string native_go_arch();
std::string kernel_release();

// Whether this kernel runs x32 syscalls (x86-64 numbers with bit 30 set): not when built
// without CONFIG_X86_X32_ABI or booted with syscall.x32=n. False off x86-64; true when
// this process is already under a seccomp filter, which a probe could trip.
bool kernel_runs_x32();

}  // namespace stack::engine::runtime::seccomp
