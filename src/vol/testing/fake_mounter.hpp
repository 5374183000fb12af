// A Mounter that records calls and keeps a set of mount points, for unit tests of the
// volume store without root. `fail_next_mount` makes the next mount throw as the kernel would.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "vol/mounter.hpp"

namespace stack::vol::testing {

class FakeMounter : public Mounter {
 public:
  void mount(const MountCall& call) override {
    if (fail_next_mount) {
      fail_next_mount = false;
      throw Error("mount " + call.source + " on " + call.target + ": Invalid argument");
    }
    mounts.push_back(call);
    mounted.insert(call.target);
  }
  void unmount(const std::string& target) override {
    if (!mounted.erase(target)) throw Error("unmount " + target + ": Invalid argument");
    unmounts.push_back(target);
  }
  bool is_mounted(const std::string& target) const override { return mounted.count(target) > 0; }

  std::vector<MountCall> mounts;
  std::vector<std::string> unmounts;
  std::set<std::string> mounted;
  bool fail_next_mount = false;
};

}  // namespace stack::vol::testing
