// A root filesystem for container tests, made at test time from Debian's
// busybox-static: /bin/busybox and a link per applet, /etc/passwd and /etc/group
// with root, a test user and nobody, and empty /proc /sys /dev /tmp. Everything lives
// in one temporary directory removed by the destructor.
#pragma once

#include <string>

namespace stack::testing {

class BusyboxRootfs {
 public:
  BusyboxRootfs();
  ~BusyboxRootfs();
  BusyboxRootfs(const BusyboxRootfs&) = delete;
  BusyboxRootfs& operator=(const BusyboxRootfs&) = delete;

  // The layer directory (a complete busybox root).
  const std::string& dir() const { return layer_; }
  // A new empty directory next to the layer (upper and work dirs, bind sources, state).
  std::string scratch(const std::string& name) const;
  // The temporary directory holding everything.
  const std::string& base() const { return base_; }

 private:
  std::string base_;
  std::string layer_;
};

// Test users in the fixture's /etc/passwd: root (0), tester (1000, groups tester and audio), nobody.
inline constexpr unsigned kTesterUid = 1000;
inline constexpr unsigned kAudioGid = 29;

}  // namespace stack::testing
