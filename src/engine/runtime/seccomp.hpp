// Seccomp: Docker's default profile (deny by default with EPERM, an allowlist of
// syscalls, clone without namespace flags, personality limited, ...), custom
// profiles in Docker's JSON format, compiled to BPF once and cached.
#pragma once

#include <string>
#include <vector>

namespace stack::engine::runtime {

// A compiled BPF program (struct sock_filter array as bytes), ready to load.
struct SeccompProgram {
  std::string bpf;
  bool empty() const { return bpf.empty(); }
};

// The default profile for `capabilities` (as Docker, some syscalls are allowed only with
// a capability: e.g. CAP_SYS_ADMIN allows mount/unshare/setns, CAP_SYS_PTRACE ptrace...).
// Compiled once per distinct capability set and cached as a file under `cache_dir`
// (keyed by a hash of the profile and the libseccomp version), so later containers load
// it from disk in microseconds. cache_dir "" disables the cache. Syscall names this
// libseccomp does not know are skipped (the default action answers them).
SeccompProgram default_seccomp_program(const std::vector<std::string>& capabilities, const std::string& cache_dir);

// A Docker-format JSON profile file (defaultAction, architectures, syscalls[] with names,
// action, errnoRet, args). Errors name the file and what is wrong.
SeccompProgram compile_seccomp_profile(const std::string& json_path, const std::vector<std::string>& capabilities);

// In the container child, last before exec: installs the filter. The kernel accepts a
// filter from a process with CAP_SYS_ADMIN in its effective set or under no_new_privs;
// without CAP_SYS_ADMIN this sets no_new_privs first (so a container without
// CAP_SYS_ADMIN always runs with no_new_privs, as it must to be filtered; one with
// CAP_SYS_ADMIN keeps setuid binaries working unless the spec asked for no_new_privs).
// Throws stack::Error.
void load_seccomp_program(const SeccompProgram& program);

}  // namespace stack::engine::runtime
