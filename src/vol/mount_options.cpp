#include "vol/mount_options.hpp"

#include <sys/mount.h>

#include <utility>
#include <vector>

#include "base/error.hpp"
#include "base/strings.hpp"

namespace stack::vol {
namespace {

// The words mount(8) turns into flags: {set, clear}.
const std::map<std::string, std::pair<unsigned long, unsigned long>>& flag_words() {
  static const std::map<std::string, std::pair<unsigned long, unsigned long>> words = {
      {"ro", {MS_RDONLY, 0}},         {"rw", {0, MS_RDONLY}},          {"nosuid", {MS_NOSUID, 0}},
      {"suid", {0, MS_NOSUID}},       {"nodev", {MS_NODEV, 0}},        {"dev", {0, MS_NODEV}},
      {"noexec", {MS_NOEXEC, 0}},     {"exec", {0, MS_NOEXEC}},        {"sync", {MS_SYNCHRONOUS, 0}},
      {"async", {0, MS_SYNCHRONOUS}}, {"noatime", {MS_NOATIME, 0}},    {"atime", {0, MS_NOATIME}},
      {"nodiratime", {MS_NODIRATIME, 0}}, {"diratime", {0, MS_NODIRATIME}},
      {"relatime", {MS_RELATIME, 0}}, {"strictatime", {MS_STRICTATIME, 0}},
      {"bind", {MS_BIND, 0}},         {"rbind", {MS_BIND | MS_REC, 0}},
      {"defaults", {0, 0}}};
  return words;
}

std::string value_of(const std::map<std::string, std::string>& options, const std::string& key) {
  auto it = options.find(key);
  return it == options.end() ? std::string() : it->second;
}

}  // namespace

void check_local_options(const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options) {
    if (key != "type" && key != "device" && key != "o") throw Error("invalid option key: \"" + key + "\"");
  }
  const bool has_type = options.count("type") > 0;
  if (has_type && value_of(options, "device").empty()) throw Error("missing device in volume options");
  if (!has_type && (options.count("device") || options.count("o"))) throw Error("missing type in volume options");
}

bool needs_mount(const std::map<std::string, std::string>& options) { return options.count("type") > 0; }

MountCall plan_mount(const std::map<std::string, std::string>& options, const std::string& target) {
  MountCall call{value_of(options, "device"), target, value_of(options, "type"), 0, ""};
  std::vector<std::string> data;
  for (const std::string& word : base::split(value_of(options, "o"), ',')) {
    if (word.empty()) continue;
    auto it = flag_words().find(word);
    if (it == flag_words().end()) {
      data.push_back(word);
      continue;
    }
    call.flags = (call.flags | it->second.first) & ~it->second.second;
  }
  if (call.flags & MS_BIND) call.type.clear();  // a bind has no filesystem type ("none")
  for (size_t i = 0; i < data.size(); ++i) call.data += (i ? "," : "") + data[i];
  return call;
}

}  // namespace stack::vol
