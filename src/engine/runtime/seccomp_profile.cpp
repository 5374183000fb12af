// Resolving a profile for one container: Docker's includes/excludes against the
// container's capabilities, this machine's architecture and kernel; and the canonical
// text that keys the compiled-program cache.
#include "engine/runtime/seccomp_profile.hpp"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "engine/runtime/capabilities.hpp"

namespace stack::engine::runtime::seccomp {
namespace {

const std::vector<std::pair<Action, std::string>>& action_table() {
  static const std::vector<std::pair<Action, std::string>> table = {
      {Action::Allow, "SCMP_ACT_ALLOW"},  {Action::Errno, "SCMP_ACT_ERRNO"},
      {Action::Kill, "SCMP_ACT_KILL"},    {Action::KillProcess, "SCMP_ACT_KILL_PROCESS"},
      {Action::Trap, "SCMP_ACT_TRAP"},    {Action::Log, "SCMP_ACT_LOG"},
  };
  return table;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// "6.18.0-rc1" >= "4.8": compares the leading numeric components.
bool kernel_at_least(const std::string& release, const std::string& minimum) {
  int have[3] = {0, 0, 0}, want[3] = {0, 0, 0};
  std::sscanf(release.c_str(), "%d.%d.%d", &have[0], &have[1], &have[2]);
  std::sscanf(minimum.c_str(), "%d.%d.%d", &want[0], &want[1], &want[2]);
  return std::lexicographical_compare(want, want + 3, have, have + 3) ||
         std::equal(want, want + 3, have);
}

// Docker's semantics: includes need every listed condition; excludes drop the rule
// when any listed condition holds.
bool includes_match(const Filter& filter, const std::vector<std::string>& caps) {
  for (const auto& cap : filter.caps)
    if (!has(caps, cap)) return false;
  if (!filter.arches.empty() && !has(filter.arches, native_go_arch())) return false;
  if (!filter.min_kernel.empty() && !kernel_at_least(kernel_release(), filter.min_kernel)) return false;
  return true;
}

bool excludes_match(const Filter& filter, const std::vector<std::string>& caps) {
  for (const auto& cap : filter.caps)
    if (has(caps, cap)) return true;
  if (has(filter.arches, native_go_arch())) return true;
  return !filter.min_kernel.empty() && kernel_at_least(kernel_release(), filter.min_kernel);
}

}  // namespace

std::optional<Action> action_from_name(const std::string& name) {
  for (const auto& [action, text] : action_table())
    if (text == name) return action;
  return std::nullopt;
}

std::string action_name(Action action) {
  for (const auto& [candidate, text] : action_table())
    if (candidate == action) return text;
  return "?";
}

std::string native_go_arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__i386__)
  return "x86";
#elif defined(__arm__)
  return "arm";
#else
  return "unknown";
#endif
}

std::string kernel_release() {
  static const std::string release = [] {
    utsname name{};
    return uname(&name) == 0 ? std::string(name.release) : std::string("0");
  }();
  return release;
}

bool kernel_runs_x32() {
#if defined(__x86_64__)
  static const bool runs = [] {
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0) return true;  // filtered (or prctl refused): keep docker's list
    constexpr long kX32Bit = 0x40000000;                       // __X32_SYSCALL_BIT; getpid keeps its number
    return !(syscall(kX32Bit | SYS_getpid) == -1 && errno == ENOSYS);
  }();
  return runs;
#else
  return false;
#endif
}

Profile resolve_profile(Profile profile, const std::vector<std::string>& caps) {
  std::vector<std::string> canonical;
  for (const auto& cap : caps) canonical.push_back(canonical_capability_name(cap));
  Profile resolved{profile.default_action, profile.default_errno_ret, std::move(profile.arches), {},
                   profile.bad_arch_errno};
  for (auto& rule : profile.rules) {
    if (!includes_match(rule.includes, canonical) || excludes_match(rule.excludes, canonical)) continue;
    rule.includes = {};
    rule.excludes = {};
    resolved.rules.push_back(std::move(rule));
  }
  return resolved;
}

// Length-prefixed fields, so no two profiles share a text. Written by hand rather than
// through JSON: this runs on every cache hit and must stay a few microseconds.
std::string canonical_text(const Profile& resolved) {
  std::string text;
  text.reserve(8192);
  auto field = [&text](const std::string& value) {
    text += std::to_string(value.size());
    text += ':';
    text += value;
  };
  auto number = [&text](uint64_t value) {
    text += std::to_string(value);
    text += ';';
  };
  field(action_name(resolved.default_action));
  number(static_cast<uint64_t>(resolved.default_errno_ret.value_or(-1)));
  for (const auto& arch : resolved.arches) field(arch);
  text += "\nbadarch ";
  number(static_cast<uint64_t>(resolved.bad_arch_errno.value_or(-1)));
  for (const auto& rule : resolved.rules) {
    text += "\nrule ";
    for (const auto& name : rule.names) field(name);
    text += '|';
    field(action_name(rule.action));
    number(static_cast<uint64_t>(rule.errno_ret.value_or(-1)));
    for (const auto& arg : rule.args) {
      number(arg.index);
      number(arg.value);
      number(arg.value_two);
      field(arg.op);
    }
  }
  return text;
}

}  // namespace stack::engine::runtime::seccomp
