// The real Mounter: mount(2), umount2(2) and /proc/self/mountinfo.
#include <sys/mount.h>

#include <fstream>
#include <sstream>

#include "base/syscall_error.hpp"
#include "vol/mounter.hpp"

namespace stack::vol {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

class SystemMounter : public Mounter {
 public:
  void mount(const MountCall& c) override {
    const unsigned long first = c.flags & MS_BIND ? c.flags & (MS_BIND | MS_REC) : c.flags;
    if (::mount(c.source.c_str(), c.target.c_str(), c.type.empty() ? nullptr : c.type.c_str(), first,
                c.data.empty() ? nullptr : c.data.c_str()) != 0) {
      throw syscall_error("mount " + c.source + " on " + c.target + (c.type.empty() ? "" : " (" + c.type + ")"));
    }
    // A bind ignores its other flags (ro, nosuid...): mount(8) applies them by a remount.
    const unsigned long rest = c.flags & ~(MS_BIND | MS_REC);
    if ((c.flags & MS_BIND) && rest != 0 &&
        ::mount(nullptr, c.target.c_str(), nullptr, MS_REMOUNT | MS_BIND | rest, nullptr) != 0) {
      const int err = errno;
      ::umount2(c.target.c_str(), MNT_DETACH);
      throw syscall_error("remount " + c.target + " with its options", err);
    }
  }

  void unmount(const std::string& target) override {
    if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) != 0) throw syscall_error("unmount " + target);
  }

  bool is_mounted(const std::string& target) const override {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string id, parent, dev, root, point;
      fields >> id >> parent >> dev >> root >> point;
      if (unescape(point) == target) return true;
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<Mounter> system_mounter() { return std::make_unique<SystemMounter>(); }

}  // namespace stack::vol
