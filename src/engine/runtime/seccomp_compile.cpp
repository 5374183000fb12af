// A resolved profile through libseccomp into BPF bytes (the only file that talks to
// libseccomp).
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <memory>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/runtime/seccomp_profile.hpp"

namespace stack::engine::runtime::seccomp {
namespace {

struct ContextDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

uint32_t scmp_action(Action action, std::optional<int> errno_ret) {
  switch (action) {
    case Action::Allow: return SCMP_ACT_ALLOW;
    case Action::Errno: return SCMP_ACT_ERRNO(static_cast<uint16_t>(errno_ret.value_or(EPERM)));
    case Action::Kill: return SCMP_ACT_KILL;
    case Action::KillProcess: return SCMP_ACT_KILL_PROCESS;
    case Action::Trap: return SCMP_ACT_TRAP;
    case Action::Log: return SCMP_ACT_LOG;
  }
  return SCMP_ACT_KILL;
}

scmp_compare scmp_op(const std::string& op) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  throw Error("seccomp: unknown comparison \"" + op + "\"");
}

// Docker spells architectures "SCMP_ARCH_X86_64"; libseccomp resolves "x86_64".
uint32_t resolve_arch(const std::string& name) {
  std::string bare = name.rfind("SCMP_ARCH_", 0) == 0 ? name.substr(10) : name;
  for (char& c : bare) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return seccomp_arch_resolve_name(bare.c_str());
}

void add_arches(scmp_filter_ctx ctx, const std::vector<std::string>& arches) {
  for (const auto& name : arches) {
    uint32_t arch = resolve_arch(name);
    if (arch == 0) throw Error("seccomp: unknown architecture \"" + name + "\"");
    int rc = seccomp_arch_add(ctx, arch);
    if (rc != 0 && rc != -EEXIST) throw syscall_error("seccomp: add architecture " + name, -rc);
  }
}

bool repeats_an_index(const std::vector<ArgCondition>& args) {
  for (size_t i = 0; i < args.size(); ++i)
    for (size_t j = i + 1; j < args.size(); ++j)
      if (args[i].index == args[j].index) return true;
  return false;
}

void add_rule_for(scmp_filter_ctx ctx, const Rule& rule, int nr, const std::string& name, uint32_t action) {
  std::vector<scmp_arg_cmp> conditions;
  for (const auto& arg : rule.args) conditions.push_back({arg.index, scmp_op(arg.op), arg.value, arg.value_two});
  auto add = [&](unsigned count, const scmp_arg_cmp* cmp) {
    int rc = seccomp_rule_add_array(ctx, action, nr, count, cmp);
    if (rc != 0)
      throw syscall_error("seccomp: rule " + action_name(rule.action) + " for " + name, -rc);
  };
  // libseccomp cannot AND two comparisons of one argument; like runc, such conditions
  // become separate rules (any one matching applies the action).
  if (repeats_an_index(rule.args)) {
    for (const auto& condition : conditions) add(1, &condition);
  } else {
    add(static_cast<unsigned>(conditions.size()), conditions.data());
  }
}

void add_rules(scmp_filter_ctx ctx, const Profile& profile) {
  uint32_t default_action = scmp_action(profile.default_action, profile.default_errno_ret);
  for (const auto& rule : profile.rules) {
    uint32_t action = scmp_action(rule.action, rule.errno_ret);
    if (action == default_action) continue;  // libseccomp refuses rules that repeat the default
    for (const auto& name : rule.names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // newer than this libseccomp: the default action applies
      add_rule_for(ctx, rule, nr, name, action);
    }
  }
}

std::string export_bpf(scmp_filter_ctx ctx) {
  UniqueFd memfd(memfd_create("stack-seccomp", MFD_CLOEXEC));
  if (!memfd) throw syscall_error("seccomp: memfd_create");
  int rc = seccomp_export_bpf(ctx, memfd.get());
  if (rc != 0) throw syscall_error("seccomp: export BPF", -rc);
  std::string bytes;
  char buffer[16384];
  for (off_t offset = 0;;) {
    ssize_t n = pread(memfd.get(), buffer, sizeof buffer, offset);
    if (n < 0) throw syscall_error("seccomp: read exported BPF");
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
    offset += n;
  }
  return bytes;
}

}  // namespace

std::string compile_profile(const Profile& resolved) {
  Context ctx{seccomp_init(scmp_action(resolved.default_action, resolved.default_errno_ret))};
  if (!ctx) throw Error("seccomp: seccomp_init failed (invalid default action)");
  // A binary tree of syscall numbers: a large allowlist costs O(log n) per syscall.
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (rc != 0) throw syscall_error("seccomp: set optimize level 2", -rc);
  if (resolved.bad_arch_errno) {
    rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(static_cast<uint16_t>(*resolved.bad_arch_errno)));
    if (rc != 0) throw syscall_error("seccomp: set the action for other architectures", -rc);
  }
  add_arches(ctx.get(), resolved.arches);
  add_rules(ctx.get(), resolved);
  return export_bpf(ctx.get());
}

}  // namespace stack::engine::runtime::seccomp
