// The options of a spec mount ("ro", "rbind", "rprivate", "size=64m", ...) sorted into
// what the kernel takes separately: per-mount attributes, propagation, and the
// filesystem's own data options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stack::engine::runtime {

struct MountOptions {
  bool bind = false;           // type "bind", or option "bind"/"rbind"
  bool recursive = false;      // "rbind": submounts of the source come along
  uint64_t attr_set = 0;       // MOUNT_ATTR_* to set ("ro", "nosuid", "noatime", ...)
  uint64_t attr_clr = 0;       // MOUNT_ATTR_* to clear ("rw", "suid", "relatime", ...)
  uint64_t propagation = 0;    // MS_PRIVATE, MS_SHARED, MS_SLAVE or MS_UNBINDABLE; 0 leaves it
  bool propagation_recursive = false;  // "rprivate", "rshared", ...
  std::string data;            // filesystem options joined by commas: "size=64m,mode=1777"
};

// Docker's "z", "Z" (SELinux labels), "cached", "delegated", "consistent" (macOS hints)
// and "nocopy" mean nothing here and are dropped. Every other unknown word becomes
// filesystem data, which a bind ignores. Later words win ("ro,rw" is rw).
MountOptions parse_mount_options(const std::string& type, const std::vector<std::string>& options);

// "mount <source> on <destination>[ (<data>)]": the name every mount error starts with.
std::string describe_mount(const std::string& source, const std::string& destination, const std::string& data = {});

}  // namespace stack::engine::runtime
