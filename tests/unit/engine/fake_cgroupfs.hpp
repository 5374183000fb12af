// A cgroupfs imitation in a temporary directory, made of plain files: controller
// directories with the control files the kernel would show, for v1 (optionally hybrid,
// optionally with cpu and cpuacct co-mounted) and v2. cgroup() makes a cgroup's directory
// with its files, as the kernel's mkdir would (a real mkdir in the fake makes an empty
// directory, which is how tests provoke a missing file).
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace stack::testing {

class FakeCgroupFs {
 public:
  enum class Kind { V1, Hybrid, V2 };
  struct Options {
    Kind kind = Kind::V1;
    bool comount_cpu = false;  // "cpu,cpuacct" with links cpu and cpuacct
    std::vector<std::string> v1_controllers = {"memory", "cpu",   "cpuacct", "cpuset",
                                               "pids",   "blkio", "freezer", "devices"};
  };

  explicit FakeCgroupFs(Options options) : options_(std::move(options)) {
    static std::atomic<int> counter{0};
    root_ = std::filesystem::temp_directory_path() /
            ("stack-fake-cgroupfs-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    if (options_.kind == Kind::V2) {
      make_v2_dir("");
      write("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
      write("cpuset.cpus.effective", "0-3\n");
      return;
    }
    for (const auto& c : options_.v1_controllers) make_v1_root(c);
    if (options_.kind == Kind::Hybrid) {
      std::filesystem::create_directories(root_ / "unified");
      write("unified/cgroup.controllers", "");
      write("unified/cgroup.subtree_control", "");
      write("unified/cgroup.procs", "");
    }
  }
  ~FakeCgroupFs() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  FakeCgroupFs(const FakeCgroupFs&) = delete;
  FakeCgroupFs& operator=(const FakeCgroupFs&) = delete;

  std::string root() const { return root_.string(); }

  // The directories of `relative` (and its parents) with the kernel's files, empty.
  void cgroup(const std::string& relative) {
    std::string prefix;
    std::istringstream in(relative);
    std::string part;
    while (std::getline(in, part, '/')) {
      prefix += (prefix.empty() ? "" : "/") + part;
      if (options_.kind == Kind::V2) {
        make_v2_dir(prefix);
        // What the parent's cgroup.subtree_control hands down, once create() enabled it.
        write(prefix + "/cgroup.controllers", "cpuset cpu io memory pids\n");
        continue;
      }
      for (const auto& [dir, files] : v1_dirs()) {
        std::filesystem::create_directories(root_ / dir / prefix);
        for (const auto& f : files) write(dir + "/" + prefix + "/" + f, "");
      }
    }
  }

  void write(const std::string& rel, const std::string& content) const {
    std::ofstream(root_ / rel, std::ios::trunc) << content;
  }
  std::string read(const std::string& rel) const {
    std::ifstream in(root_ / rel);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  bool exists(const std::string& rel) const { return std::filesystem::exists(root_ / rel); }
  void erase(const std::string& rel) const { std::filesystem::remove(root_ / rel); }

  // Every non-empty file below the root (links not followed), by relative path.
  // Compared before and after an operation, it shows exactly what the operation wrote.
  std::map<std::string, std::string> contents() const {
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root_)) {
      if (!e.is_regular_file() || e.is_symlink() || std::filesystem::file_size(e.path()) == 0) continue;
      std::string rel = std::filesystem::relative(e.path(), root_).string();
      out[rel] = read(rel);
    }
    return out;
  }
 private:
  static std::vector<std::string> v1_files(const std::string& controller) {
    static const std::map<std::string, std::vector<std::string>> files = {
        {"memory",
         {"memory.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.swappiness",
          "memory.oom_control", "memory.usage_in_bytes"}},
        {"cpu", {"cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us"}},
        {"cpuacct", {"cpuacct.usage"}},
        {"cpuset", {"cpuset.cpus", "cpuset.mems"}},
        {"pids", {"pids.max"}},
        {"blkio",
         {"blkio.weight", "blkio.weight_device", "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
          "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"}},
        {"freezer", {"freezer.state"}},
        {"devices", {"devices.list"}},
    };
    std::vector<std::string> out = files.at(controller);
    out.push_back("cgroup.procs");
    return out;
  }

  // Directory name -> files, with cpu and cpuacct merged when co-mounted.
  std::map<std::string, std::vector<std::string>> v1_dirs() const {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& c : options_.v1_controllers) {
      bool merged = options_.comount_cpu && (c == "cpu" || c == "cpuacct");
      auto& files = out[merged ? "cpu,cpuacct" : c];
      for (const auto& f : v1_files(c)) files.push_back(f);
    }
    return out;
  }

  void make_v1_root(const std::string& controller) {
    bool merged = options_.comount_cpu && (controller == "cpu" || controller == "cpuacct");
    std::string dir = merged ? "cpu,cpuacct" : controller;
    std::filesystem::create_directories(root_ / dir);
    if (merged && !std::filesystem::exists(std::filesystem::symlink_status(root_ / controller))) {
      std::filesystem::create_directory_symlink(dir, root_ / controller);
    }
    write(dir + "/cgroup.procs", "");
    if (controller == "cpuset") {
      write("cpuset/cpuset.cpus", "0-3\n");
      write("cpuset/cpuset.mems", "0\n");
    }
  }

  void make_v2_dir(const std::string& rel) {
    std::filesystem::create_directories(root_ / rel);
    std::string p = rel.empty() ? "" : rel + "/";
    for (const char* f : {"cgroup.controllers", "cgroup.subtree_control", "cgroup.procs", "cgroup.freeze",
                          "cgroup.events", "memory.max", "memory.low", "memory.swap.max", "memory.current",
                          "memory.events", "cpu.weight", "cpu.max", "cpuset.cpus", "cpuset.mems", "pids.max",
                          "io.weight", "io.max"}) {
      write(p + f, "");
    }
  }

  Options options_;
  std::filesystem::path root_;
};

}  // namespace stack::testing
