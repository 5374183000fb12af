#include "engine/runtime/cgroup.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "engine/runtime/cgroup_fs.hpp"
#include "engine/runtime/cgroup_plan.hpp"

namespace stack::engine::runtime {

namespace fs = std::filesystem;

namespace {

// The v2 controllers a container cgroup gets, in the order the kernel lists them.
const std::vector<std::string>& v2_controllers() {
  static const std::vector<std::string> list = {"cpuset", "cpu", "io", "memory", "pids"};
  return list;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> components(const std::string& relative) {
  std::vector<std::string> out;
  std::istringstream in(relative);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// The v1 controllers mounted under `root`.
struct V1Mounts {
  // Each hierarchy once: "cpu" and "cpuacct" are often links to one "cpu,cpuacct"
  // mount, and making the cgroup twice there would fail.
  std::vector<std::string> hierarchies;
  std::vector<std::string> controllers;  // every one with a directory ("cpu" and "cpuacct")
};

// Resolved once per process and root: each resolution costs dozens of path lookups, and
// a container's start, pause, OOM check and removal all need the list. The cache is
// shared by the threads of one command (down removes containers in parallel): locked.
V1Mounts v1_mounts(const std::string& root) {
  static std::mutex mutex;
  static std::map<std::string, V1Mounts> cache;
  {
    const std::lock_guard lock(mutex);
    if (auto it = cache.find(root); it != cache.end()) return it->second;
  }
  V1Mounts out;
  std::set<fs::path> seen;
  for (const auto& controller : v1_controllers()) {
    std::error_code ec;
    fs::path real = fs::canonical(root + "/" + controller, ec);
    if (ec || !is_dir(real.string())) continue;
    out.controllers.push_back(controller);
    if (seen.insert(real).second) out.hierarchies.push_back(controller);
  }
  if (!out.hierarchies.empty()) {
    const std::lock_guard lock(mutex);
    cache[root] = out;
  }
  return out;
}

std::vector<std::string> mounted_v1_controllers(const std::string& root) { return v1_mounts(root).hierarchies; }

// Directories made by create(), removed again unless create() gets to release().
class DirRollback {
 public:
  DirRollback() = default;
  DirRollback(const DirRollback&) = delete;
  DirRollback& operator=(const DirRollback&) = delete;
  ~DirRollback() {
    for (auto it = made_.rbegin(); it != made_.rend(); ++it) {
      cgroupfs::remove_dir(*it, std::chrono::steady_clock::now());  // best effort: already failing
    }
  }
  void make(const std::string& path) {
    if (cgroupfs::make_dir(path)) made_.push_back(path);
  }
  void release() { made_.clear(); }

 private:
  std::vector<std::string> made_;
};

// A child cpuset starts with no CPUs and no memory nodes, and the kernel refuses to
// move a task into it; give it its parent's unless it has some.
void inherit_cpuset(const std::string& parent, const std::string& dir) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    if (!cgroupfs::read_trimmed(dir + "/" + file).empty()) continue;
    cgroupfs::write_value(dir + "/" + file, cgroupfs::read_trimmed(parent + "/" + file));
  }
}

void make_v1_dirs(const std::string& root, const std::string& relative, DirRollback& made) {
  for (const auto& controller : mounted_v1_controllers(root)) {
    std::string dir = root + "/" + controller;
    for (const auto& part : components(relative)) {
      std::string parent = dir;
      dir += "/" + part;
      made.make(dir);
      if (controller == "cpuset") inherit_cpuset(parent, dir);
    }
  }
}

// Turns on the container controllers for the children of `dir` (those the kernel
// offers there and that are not on yet).
void enable_subtree(const std::string& dir) {
  std::string available = " " + cgroupfs::read_trimmed(dir + "/cgroup.controllers") + " ";
  std::string enabled = " " + cgroupfs::read_trimmed(dir + "/cgroup.subtree_control") + " ";
  std::string request;
  for (const auto& c : v2_controllers()) {
    if (available.find(" " + c + " ") == std::string::npos) continue;
    if (enabled.find(" " + c + " ") != std::string::npos) continue;
    request += (request.empty() ? "+" : " +") + c;
  }
  if (!request.empty()) cgroupfs::write_value(dir + "/cgroup.subtree_control", request);
}

void make_v2_dirs(const std::string& root, const std::string& relative, DirRollback& made) {
  std::string dir = root;
  for (const auto& part : components(relative)) {
    enable_subtree(dir);
    dir += "/" + part;
    made.make(dir);
  }
}

}  // namespace

const std::vector<std::string>& v1_controllers() {
  static const std::vector<std::string> list = {"memory", "cpu",     "cpuacct", "cpuset",
                                                "pids",   "blkio",   "freezer", "devices"};
  return list;
}

CgroupMode detect_cgroup_mode(const std::string& root) {
  struct stat st;
  if (::stat(root.c_str(), &st) != 0) throw syscall_error("detect cgroup mode: " + root);
  if (!S_ISDIR(st.st_mode)) throw syscall_error("detect cgroup mode: " + root, ENOTDIR);
  if (cgroupfs::exists(root + "/cgroup.controllers")) return CgroupMode::V2;
  bool has_v1 = !mounted_v1_controllers(root).empty();
  if (has_v1 && cgroupfs::exists(root + "/unified/cgroup.controllers")) return CgroupMode::Hybrid;
  return CgroupMode::V1;
}

Cgroup::Cgroup(CgroupMode mode, std::string root, std::string relative)
    : mode_(mode), root_(std::move(root)), relative_(std::move(relative)) {
  auto parts = components(relative_);
  bool escapes = false;
  for (const auto& p : parts) escapes = escapes || p == "..";
  if (parts.empty() || relative_.front() == '/' || escapes) {
    throw Error("invalid cgroup path \"" + relative_ + "\": must be relative, non-empty and without \"..\"");
  }
}

std::string Cgroup::path(const std::string& controller) const {
  if (mode_ == CgroupMode::V2) return root_ + "/" + relative_;
  return root_ + "/" + controller + "/" + relative_;
}

std::vector<std::string> Cgroup::dirs() const {
  if (mode_ == CgroupMode::V2) return {path("")};
  std::vector<std::string> out;
  for (const auto& controller : mounted_v1_controllers(root_)) out.push_back(path(controller));
  return out;
}

void Cgroup::create(const Resources& resources) {
  // Decided first: a limit that cannot be expressed fails before anything is made.
  bool v2 = mode_ == CgroupMode::V2;
  auto writes = v2 ? v2_cgroup_writes(resources) : v1_cgroup_writes(resources);
  DirRollback made;
  if (v2) {
    make_v2_dirs(root_, relative_, made);
  } else {
    make_v1_dirs(root_, relative_, made);
  }
  const std::vector<std::string> mounted = v2 ? std::vector<std::string>{} : v1_mounts(root_).controllers;
  for (const auto& w : writes) {
    if (!v2 && std::find(mounted.begin(), mounted.end(), w.controller) == mounted.end()) {
      throw Error("cgroup controller \"" + w.controller + "\" is not mounted at " + root_ + "/" + w.controller,
                  "the limit written to " + w.choices.front().file + " needs it");
    }
    std::string dir = path(w.controller);
    const CgroupWrite::Choice* choice = nullptr;
    for (const auto& c : w.choices) {
      if (cgroupfs::exists(dir + "/" + c.file)) {
        choice = &c;
        break;
      }
    }
    if (!choice && w.optional) continue;
    if (!choice) choice = &w.choices.front();
    cgroupfs::write_value(dir + "/" + choice->file, choice->value);
  }
  made.release();
}

Cgroup container_cgroup(const std::string& parent, const std::string& id, const std::string& root) {
  return Cgroup(detect_cgroup_mode(root), root, parent + "/" + id);
}

void Cgroup::restrict_devices(const DeviceAccess& access) {
  if (mode_ == CgroupMode::V2) return;
  const std::string dir = path("devices");
  if (!is_dir(dir)) return;  // no devices controller mounted on this host
  if (access.allow_all) {
    cgroupfs::write_value(dir + "/devices.allow", "a");
    return;
  }
  cgroupfs::write_value(dir + "/devices.deny", "a");
  for (const auto& rule : access.allow) cgroupfs::write_value(dir + "/devices.allow", rule);
}

void Cgroup::add_process(pid_t pid) const {
  for (const auto& dir : dirs()) cgroupfs::write_value(dir + "/cgroup.procs", std::to_string(pid));
}

std::vector<pid_t> Cgroup::pids() const {
  std::vector<pid_t> out;
  auto all = dirs();
  if (all.empty()) return out;
  std::string file = all.front() + "/cgroup.procs";
  std::istringstream in(cgroupfs::read_value(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      out.push_back(static_cast<pid_t>(std::stol(line)));
    } catch (const std::exception&) {
      throw Error("read " + file + ": not a process id: \"" + line + "\"");
    }
  }
  return out;
}

void Cgroup::remove() {
  if (relative_.empty()) return;  // default-constructed: nothing was made
  // One deadline for all directories: a lingering process holds them all at once.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  std::string failures;
  for (const auto& dir : dirs()) {
    std::string failure = cgroupfs::remove_dir(dir, deadline);
    if (!failure.empty()) failures += (failures.empty() ? "" : "; ") + failure;
  }
  if (!failures.empty()) {
    throw Error("remove cgroup " + relative_ + ": " + failures,
                "processes may still be running in it (see cgroup.procs)");
  }
}

}  // namespace stack::engine::runtime
