#include "vol/mount_flag.hpp"

#include <map>

#include "base/error.hpp"
#include "base/strings.hpp"

namespace stack::vol {
namespace {

struct MountFlag {
  std::string type = "volume";  // docker's default
  std::string source, target, propagation, tmpfs_size, tmpfs_mode;
  bool read_only = false;
  bool nocopy = false;  // volume-nocopy: no copy-up of the image's content
};

bool truth(const std::string& spec, const std::string& value) {
  if (value.empty() || value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  throw Error("invalid --mount \"" + spec + "\": invalid boolean \"" + value + "\"");
}

MountFlag parse(const std::string& spec) {
  MountFlag m;
  auto fail = [&spec](const std::string& why) { return Error("invalid --mount \"" + spec + "\": " + why); };
  for (const std::string& field : base::split(spec, ',')) {
    const size_t eq = field.find('=');
    const std::string key = field.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : field.substr(eq + 1);
    if (key == "type") m.type = value;
    else if (key == "source" || key == "src") m.source = value;
    else if (key == "target" || key == "destination" || key == "dst") m.target = value;
    else if (key == "readonly" || key == "ro") m.read_only = truth(spec, value);
    else if (key == "bind-propagation") m.propagation = value;
    else if (key == "tmpfs-size") m.tmpfs_size = value;
    else if (key == "tmpfs-mode") m.tmpfs_mode = value;
    else if (key == "volume-driver" && value == "local") continue;
    else if (key == "volume-nocopy") m.nocopy = truth(spec, value);
    else if (key == "consistency") continue;  // macOS only
    else throw fail(key == "volume-opt" || key == "volume-label" || key == "volume-driver"
                        ? "\"" + key + "\" is not supported: create the volume first (stack volume create)"
                        : "unknown key \"" + key + "\"");
  }
  if (m.target.empty()) throw fail("target is required");
  if (m.type != "volume" && m.type != "bind" && m.type != "tmpfs") throw fail("unknown mount type \"" + m.type + "\"");
  if (m.type == "volume" && m.source.empty()) throw fail("anonymous volumes are not supported yet");
  if (m.type == "bind" && m.source.empty()) throw fail("source is required for a bind mount");
  if (m.type == "tmpfs" && !m.source.empty()) throw fail("a tmpfs mount has no source");
  if (m.type == "bind" && m.source[0] != '/') throw fail("the bind source \"" + m.source + "\" must be absolute");
  if (m.type == "volume" && m.source[0] == '/') throw fail("a volume source is a name, not a path");
  return m;
}

}  // namespace

void add_mount_flag(const std::string& spec, std::vector<std::string>& volumes, std::vector<std::string>& tmpfs) {
  const MountFlag m = parse(spec);
  if (m.type == "tmpfs") {
    std::string options;
    if (!m.tmpfs_size.empty()) options += "size=" + m.tmpfs_size;
    if (!m.tmpfs_mode.empty()) options += (options.empty() ? "mode=" : ",mode=") + m.tmpfs_mode;
    if (m.read_only) options += options.empty() ? "ro" : ",ro";
    tmpfs.push_back(m.target + (options.empty() ? "" : ":" + options));
    return;
  }
  std::string options = m.read_only ? "ro" : "";
  if (!m.propagation.empty()) options += (options.empty() ? "" : ",") + m.propagation;
  if (m.nocopy && m.type == "volume") options += options.empty() ? "nocopy" : ",nocopy";
  volumes.push_back(m.source + ":" + m.target + (options.empty() ? "" : ":" + options));
}

}  // namespace stack::vol
