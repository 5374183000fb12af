// Running a test container to completion and collecting what it printed.
#pragma once

#include <string>
#include <vector>

#include "engine/runtime/launcher.hpp"
#include "support/busybox_rootfs.hpp"

namespace stack::testing {

struct RunResult {
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  bool oom_killed = false;
  std::string output;  // stdout and stderr, interleaved
};

// A spec for `args` on the busybox fixture: every namespace new, Docker's default
// capabilities, the default seccomp profile, an upper dir, cgroup under the test's parent.
engine::runtime::Spec busybox_spec(const BusyboxRootfs& fs, std::vector<std::string> args);

// Starts the container, reads its output until it exits (or kills it after `timeout_s`),
// removes its cgroup, and checks that no mount of the fixture is left on the host.
// Start errors propagate as stack::Error.
RunResult run_container(const engine::runtime::Spec& spec, const BusyboxRootfs& fs, int timeout_s = 30);

// Starts a container for the caller to inspect while it runs (stdout to /dev/null).
engine::runtime::StartedContainer start_background(const engine::runtime::Spec& spec, const BusyboxRootfs& fs);
// Kills and reaps it, removes its cgroup.
void stop_background(engine::runtime::StartedContainer& c);

// The cgroup parent of this test process ("stack-test-<pid>"), removed at exit.
const std::string& test_cgroup_parent();

// Lines of the host's mountinfo that mention `path`.
std::vector<std::string> host_mounts_under(const std::string& path);

}  // namespace stack::testing
