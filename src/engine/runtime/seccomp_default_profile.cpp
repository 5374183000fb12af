// Docker's default seccomp profile as data. The syscall names, conditions and
// capability gates reproduce moby's profiles/seccomp/default.json: deny by default with
// EPERM, a large allowlist, clone only without namespace flags and clone3 answering
// ENOSYS (so libc falls back to clone) unless CAP_SYS_ADMIN, personality limited to the
// values Docker allows, socket(AF_VSOCK) refused, and syscalls unlocked by capabilities.
#include <cerrno>

#include "engine/runtime/seccomp_profile.hpp"

namespace stack::engine::runtime::seccomp {
namespace {

// The unconditional allowlist.
std::vector<std::string> allowed_names() {
  return {
      "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir",
      "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres",
      "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
      "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
      "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
      "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
      "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
      "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl",
      "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
      "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64",
      "futex", "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents",
      "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
      "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid",
      "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
      "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area",
      "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init",
      "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
      "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
      "io_uring_enter", "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule",
      "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link",
      "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr",
      "lstat", "lstat64", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir",
      "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
      "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
      "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
      "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
      "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
      "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll",
      "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
      "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read",
      "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
      "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat",
      "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
      "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
      "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
      "sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
      "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
      "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget",
      "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg",
      "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
      "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
      "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
      "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
      "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
      "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice",
      "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
      "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create",
      "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
      "timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
      "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
      "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
      "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
      "writev",
  };
}

// CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET.
constexpr uint64_t kNamespaceFlags = 0x7E020000;

Rule allow(std::vector<std::string> names) { return Rule{std::move(names), Action::Allow, {}, {}, {}, {}}; }

Rule allow_with_cap(std::vector<std::string> names, const std::string& cap) {
  Rule rule = allow(std::move(names));
  rule.includes.caps = {cap};
  return rule;
}

Rule allow_on_arches(std::vector<std::string> names, std::vector<std::string> arches) {
  Rule rule = allow(std::move(names));
  rule.includes.arches = std::move(arches);
  return rule;
}

Rule allow_if_arg(const std::string& name, ArgCondition condition) {
  Rule rule = allow({name});
  rule.args = {std::move(condition)};
  return rule;
}

void add_conditional_rules(std::vector<Rule>& rules) {
  Rule tracing = allow({"process_vm_readv", "process_vm_writev", "ptrace"});
  tracing.includes.min_kernel = "4.8";
  rules.push_back(tracing);
  rules.push_back(allow_if_arg("socket", {0, 40 /* AF_VSOCK */, 0, "SCMP_CMP_NE"}));
  // PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and 0xffffffff (query).
  for (uint64_t persona : {0ULL, 8ULL, 0x20000ULL, 0x20008ULL, 0xffffffffULL})
    rules.push_back(allow_if_arg("personality", {0, persona, 0, "SCMP_CMP_EQ"}));
  rules.push_back(allow_on_arches({"sync_file_range2", "swapcontext"}, {"ppc64le"}));
  rules.push_back(allow_on_arches(
      {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"},
      {"arm", "arm64"}));
  rules.push_back(allow_on_arches({"arch_prctl"}, {"amd64", "x32"}));
  rules.push_back(allow_on_arches({"modify_ldt"}, {"amd64", "x32", "x86"}));
  rules.push_back(allow_on_arches({"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"},
                                  {"s390", "s390x"}));
  rules.push_back(allow_on_arches({"riscv_flush_icache"}, {"riscv64"}));
}

void add_clone_rules(std::vector<Rule>& rules) {
  Rule clone = allow_if_arg("clone", {0, kNamespaceFlags, 0, "SCMP_CMP_MASKED_EQ"});
  clone.excludes.caps = {"CAP_SYS_ADMIN"};
  clone.excludes.arches = {"s390", "s390x"};
  rules.push_back(clone);
  // s390 passes clone's flags as the second argument.
  Rule clone_s390 = allow_if_arg("clone", {1, kNamespaceFlags, 0, "SCMP_CMP_MASKED_EQ"});
  clone_s390.includes.arches = {"s390", "s390x"};
  clone_s390.excludes.caps = {"CAP_SYS_ADMIN"};
  rules.push_back(clone_s390);
  // clone3's flags live in a struct seccomp cannot inspect: answer ENOSYS so libc uses clone.
  Rule clone3{{"clone3"}, Action::Errno, ENOSYS, {}, {}, {}};
  clone3.excludes.caps = {"CAP_SYS_ADMIN"};
  rules.push_back(clone3);
}

void add_capability_rules(std::vector<Rule>& rules) {
  rules.push_back(allow_with_cap({"open_by_handle_at"}, "CAP_DAC_READ_SEARCH"));
  rules.push_back(allow_with_cap({"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
                                  "fspick", "lookup_dcookie", "mount", "mount_setattr", "move_mount",
                                  "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname",
                                  "sethostname", "setns", "syslog", "umount", "umount2", "unshare"},
                                 "CAP_SYS_ADMIN"));
  add_clone_rules(rules);
  rules.push_back(allow_with_cap({"reboot"}, "CAP_SYS_BOOT"));
  rules.push_back(allow_with_cap({"chroot"}, "CAP_SYS_CHROOT"));
  rules.push_back(allow_with_cap({"delete_module", "init_module", "finit_module"}, "CAP_SYS_MODULE"));
  rules.push_back(allow_with_cap({"acct"}, "CAP_SYS_PACCT"));
  rules.push_back(allow_with_cap(
      {"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"},
      "CAP_SYS_PTRACE"));
  rules.push_back(allow_with_cap({"iopl", "ioperm"}, "CAP_SYS_RAWIO"));
  rules.push_back(
      allow_with_cap({"settimeofday", "stime", "clock_settime", "clock_settime64"}, "CAP_SYS_TIME"));
  rules.push_back(allow_with_cap({"vhangup"}, "CAP_SYS_TTY_CONFIG"));
  rules.push_back(allow_with_cap({"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"},
                                 "CAP_SYS_NICE"));
  rules.push_back(allow_with_cap({"syslog"}, "CAP_SYSLOG"));
  rules.push_back(allow_with_cap({"bpf"}, "CAP_BPF"));
  rules.push_back(allow_with_cap({"perf_event_open"}, "CAP_PERFMON"));
}

// Docker's archMap: the native architecture plus the ABIs its kernel also runs. Except x32
// where this kernel does not run it (Debian's and most distributions' kernels): its third
// of the filter only served syscalls the kernel answers with ENOSYS anyway, yet every
// container start paid for it (the kernel checks and JIT-compiles each filter it loads:
// 1227 instructions with x32, 853 without).
std::vector<std::string> native_arch_family() {
  std::string arch = native_go_arch();
  if (arch == "amd64" && !kernel_runs_x32()) return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  if (arch == "amd64") return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  if (arch == "arm64") return {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
  if (arch == "s390x") return {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
  return {};
}

}  // namespace

Profile default_profile() {
  Profile profile;
  profile.default_action = Action::Errno;
  profile.default_errno_ret = EPERM;
  profile.arches = native_arch_family();
  // An ABI left out answers as the kernel would, not by killing the thread (on x86-64 with
  // x86 listed, the only one is x32).
  profile.bad_arch_errno = ENOSYS;
  profile.rules.push_back(allow(allowed_names()));
  add_conditional_rules(profile.rules);
  add_capability_rules(profile.rules);
  return profile;
}

}  // namespace stack::engine::runtime::seccomp
