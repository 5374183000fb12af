// The run-time side of a container cgroup: freezer, OOM kills, memory usage, on v1
// (freezer.state, memory.oom_control) and v2 (cgroup.freeze/cgroup.events, memory.events).
#include <algorithm>
#include <chrono>
#include <thread>

#include "base/error.hpp"
#include "engine/runtime/cgroup.hpp"
#include "engine/runtime/cgroup_fs.hpp"

namespace stack::engine::runtime {

namespace {

constexpr auto kFreezeTimeout = std::chrono::seconds(5);

uint64_t parse_count(const std::string& file, const std::string& text) {
  try {
    size_t used = 0;
    uint64_t n = std::stoull(text, &used);
    if (used == text.size()) return n;
  } catch (const std::exception&) {
  }
  throw Error("read " + file + ": not a number: \"" + text + "\"");
}

// Polls `done` (doubling pauses up to 10 ms) until it holds or the deadline passes.
template <class Done>
bool wait_until(Done done, std::chrono::steady_clock::duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(100);
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(10));
  }
}

}  // namespace

void Cgroup::freeze() {
  bool done;
  if (mode_ == CgroupMode::V2) {
    cgroupfs::write_value(path("") + "/cgroup.freeze", "1");
    done = wait_until([&] { return frozen(); }, kFreezeTimeout);
  } else {
    // FREEZING can stall on a task that cannot be stopped right now; writing FROZEN
    // again makes the kernel retry the tasks it missed (runc does the same).
    std::string state = path("freezer") + "/freezer.state";
    done = wait_until(
        [&] {
          cgroupfs::write_value(state, "FROZEN");
          return frozen();
        },
        kFreezeTimeout);
  }
  if (!done) {
    thaw();
    throw Error("freeze cgroup " + relative_ + ": processes still not frozen after 5 s",
                "a process may be stuck in uninterruptible sleep (state D); try again later");
  }
}

void Cgroup::thaw() {
  if (mode_ == CgroupMode::V2) {
    cgroupfs::write_value(path("") + "/cgroup.freeze", "0");
  } else {
    cgroupfs::write_value(path("freezer") + "/freezer.state", "THAWED");
  }
}

bool Cgroup::frozen() const {
  if (mode_ == CgroupMode::V2) {
    return cgroupfs::keyed_value(cgroupfs::read_value(path("") + "/cgroup.events"), "frozen") == "1";
  }
  return cgroupfs::read_trimmed(path("freezer") + "/freezer.state") == "FROZEN";
}

bool Cgroup::oom_killed() const {
  // v1 kernels before 4.13 have no oom_kill counter; memory.failcnt only says the limit
  // was hit, not that anything was killed, so such kernels report false.
  std::string file = mode_ == CgroupMode::V2 ? path("") + "/memory.events" : path("memory") + "/memory.oom_control";
  std::string count = cgroupfs::keyed_value(cgroupfs::read_value(file), "oom_kill");
  return !count.empty() && parse_count(file, count) > 0;
}

uint64_t Cgroup::memory_usage() const {
  std::string file = mode_ == CgroupMode::V2 ? path("") + "/memory.current" : path("memory") + "/memory.usage_in_bytes";
  return parse_count(file, cgroupfs::read_trimmed(file));
}

}  // namespace stack::engine::runtime
