// The kinds of Linux namespace a container has, named three ways: as the spec names them
// ("network"), as /proc/<pid>/ns names them ("net") and by their CLONE_NEW* flag.
// Internal to the runtime.
#pragma once

#include <sched.h>

#include <string>

namespace stack::engine::runtime {

struct NamespaceKind {
  const char* spec_name;  // Namespace::type
  const char* proc_name;  // /proc/<pid>/ns/<proc_name>
  int clone_flag;         // CLONE_NEW*
};

// In the order exec joins them: mount last, since after it the paths of
// /proc/<pid>/ns are the container's.
inline constexpr NamespaceKind kNamespaceKinds[] = {
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"ipc", "ipc", CLONE_NEWIPC}, {"uts", "uts", CLONE_NEWUTS},
    {"network", "net", CLONE_NEWNET},      {"pid", "pid", CLONE_NEWPID}, {"mount", "mnt", CLONE_NEWNS}};

// The CLONE_NEW* flag of a spec namespace type; throws stack::Error
// ("unknown namespace type \"x\"") for any other name.
int clone_flag_of(const std::string& spec_name);

}  // namespace stack::engine::runtime
