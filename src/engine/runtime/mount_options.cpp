#include "engine/runtime/mount_options.hpp"

#include <sys/mount.h>

#include <map>

namespace stack::engine::runtime {
namespace {

struct AttrWord {
  uint64_t set;
  uint64_t clr;
};

// The access-time words replace the whole atime field: mount_setattr wants
// MOUNT_ATTR__ATIME in attr_clr whenever an atime value is set.
const std::map<std::string, AttrWord>& attr_words() {
  static const std::map<std::string, AttrWord> words = {
      {"ro", {MOUNT_ATTR_RDONLY, 0}},
      {"rw", {0, MOUNT_ATTR_RDONLY}},
      {"nosuid", {MOUNT_ATTR_NOSUID, 0}},
      {"suid", {0, MOUNT_ATTR_NOSUID}},
      {"nodev", {MOUNT_ATTR_NODEV, 0}},
      {"dev", {0, MOUNT_ATTR_NODEV}},
      {"noexec", {MOUNT_ATTR_NOEXEC, 0}},
      {"exec", {0, MOUNT_ATTR_NOEXEC}},
      {"nodiratime", {MOUNT_ATTR_NODIRATIME, 0}},
      {"diratime", {0, MOUNT_ATTR_NODIRATIME}},
      {"noatime", {MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME}},
      {"relatime", {MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME}},
      {"strictatime", {MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME}},
  };
  return words;
}

struct PropagationWord {
  uint64_t type;
  bool recursive;
};

const std::map<std::string, PropagationWord>& propagation_words() {
  static const std::map<std::string, PropagationWord> words = {
      {"private", {MS_PRIVATE, false}},       {"rprivate", {MS_PRIVATE, true}},
      {"shared", {MS_SHARED, false}},         {"rshared", {MS_SHARED, true}},
      {"slave", {MS_SLAVE, false}},           {"rslave", {MS_SLAVE, true}},
      {"unbindable", {MS_UNBINDABLE, false}}, {"runbindable", {MS_UNBINDABLE, true}},
  };
  return words;
}

bool is_docker_bind_hint(const std::string& word) {
  return word == "z" || word == "Z" || word == "cached" || word == "delegated" || word == "consistent" ||
         word == "nocopy";
}

}  // namespace

MountOptions parse_mount_options(const std::string& type, const std::vector<std::string>& options) {
  MountOptions out;
  out.bind = type == "bind";
  for (const auto& word : options) {
    if (word.empty() || word == "defaults") continue;
    if (word == "bind" || word == "rbind") {
      out.bind = true;
      out.recursive = word == "rbind";
    } else if (auto attr = attr_words().find(word); attr != attr_words().end()) {
      // A later word wins over an earlier one ("ro" then "rw" is rw).
      out.attr_set = (out.attr_set & ~attr->second.clr) | attr->second.set;
      out.attr_clr = (out.attr_clr & ~attr->second.set) | attr->second.clr;
    } else if (auto prop = propagation_words().find(word); prop != propagation_words().end()) {
      out.propagation = prop->second.type;
      out.propagation_recursive = prop->second.recursive;
    } else if (!is_docker_bind_hint(word)) {
      out.data += (out.data.empty() ? "" : ",") + word;
    }
  }
  return out;
}

std::string describe_mount(const std::string& source, const std::string& destination, const std::string& data) {
  std::string out = "mount " + source + " on " + destination;
  if (!data.empty()) out += " (" + data + ")";
  return out;
}

}  // namespace stack::engine::runtime
