// The kernel side of volumes behind a small interface: mounting a volume's driver options
// over its _data directory, unmounting it, and asking whether something is mounted there.
// The real one calls mount(2)/umount2(2) and reads /proc/self/mountinfo; unit tests use
// testing/fake_mounter.hpp.
#pragma once

#include <memory>
#include <string>

namespace stack::vol {

// One mount(2) call as mount(8) would make it from `-t type -o o device target`.
struct MountCall {
  std::string source;
  std::string target;
  std::string type;      // "" for a bind
  unsigned long flags = 0;  // MS_*
  std::string data;      // the options the kernel's filesystem reads ("size=64m")
  bool operator==(const MountCall&) const = default;
};

class Mounter {
 public:
  virtual ~Mounter() = default;
  // Throws stack::Error naming the source, the target and the cause.
  virtual void mount(const MountCall& call) = 0;
  virtual void unmount(const std::string& target) = 0;
  virtual bool is_mounted(const std::string& target) const = 0;
};

std::unique_ptr<Mounter> system_mounter();

}  // namespace stack::vol
