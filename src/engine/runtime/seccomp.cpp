// The public seccomp entry points: default and custom profiles to programs (through
// the cache for the default one), and installing a program in the container child.
#include "engine/runtime/seccomp.hpp"

#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/syscall_error.hpp"
#include "engine/runtime/capabilities.hpp"
#include "engine/runtime/seccomp_cache.hpp"
#include "engine/runtime/seccomp_profile.hpp"

namespace stack::engine::runtime {
SeccompProgram default_seccomp_program(const std::vector<std::string>& capabilities, const std::string& cache_dir) {
  seccomp::Profile resolved = seccomp::resolve_profile(seccomp::default_profile(), capabilities);
  if (cache_dir.empty()) return {seccomp::compile_profile(resolved)};
  std::string path = seccomp::cache_file(cache_dir, seccomp::canonical_text(resolved));
  if (auto cached = seccomp::read_cached_program(path)) return {std::move(*cached)};
  std::string bpf = seccomp::compile_profile(resolved);
  seccomp::store_program(path, bpf);
  return {std::move(bpf)};
}

SeccompProgram compile_seccomp_profile(const std::string& json_path, const std::vector<std::string>& capabilities) {
  std::string text;
  try {
    text = base::read_file(json_path);
  } catch (const Error& e) {
    throw e.wrap("seccomp profile " + json_path);
  }
  seccomp::Profile profile = seccomp::parse_profile(text, json_path);
  try {
    return {seccomp::compile_profile(seccomp::resolve_profile(profile, capabilities))};
  } catch (const Error& e) {
    throw e.wrap("seccomp profile " + json_path);
  }
}

void load_seccomp_program(const SeccompProgram& program) {
  if (program.empty() || program.bpf.size() % sizeof(sock_filter) != 0)
    throw Error("load seccomp filter: the program is empty or not whole BPF instructions (" +
                std::to_string(program.bpf.size()) + " bytes)");
  // Without CAP_SYS_ADMIN the kernel only accepts a filter under no_new_privs.
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 && !has_effective_capability(CAP_SYS_ADMIN))
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
      throw syscall_error("prctl(PR_SET_NO_NEW_PRIVS)");
  sock_fprog fprog{static_cast<unsigned short>(program.bpf.size() / sizeof(sock_filter)),
                   reinterpret_cast<sock_filter*>(const_cast<char*>(program.bpf.data()))};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0) return;
  if (errno != ENOSYS)
    throw syscall_error("seccomp(SECCOMP_SET_MODE_FILTER, " + std::to_string(fprog.len) + " instructions)");
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) != 0)
    throw syscall_error("prctl(PR_SET_SECCOMP, " + std::to_string(fprog.len) + " instructions)");
}

}  // namespace stack::engine::runtime
