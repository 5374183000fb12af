// Volumes short syntax, as compose-go's format.ParseVolume reads it:
// "[source:]target[:options]" with options a comma list.
#include <cctype>
#include <fmt/format.h>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/strings.hpp"
#include "compose/syntax.hpp"

namespace stack::compose {
namespace {

// Go's path.Clean for the container path: compose cleans the target ("/data/" -> "/data").
std::string clean_path(std::string_view path) {
  bool rooted = !path.empty() && path.front() == '/';
  std::vector<std::string> parts;
  for (std::string& part : base::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (rooted) continue;  // "/.." is "/"
    }
    parts.push_back(std::move(part));
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out.empty() ? "." : out;
}

bool is_windows_drive(const std::string& buffer, char c) {
  return c == ':' && buffer.size() == 1 && std::isalpha(static_cast<unsigned char>(buffer[0]));
}

// What makes a short-syntax source a host path rather than a volume name.
bool is_file_path(const std::string& source) {
  if (source.empty()) return false;
  if (source[0] == '.' || source[0] == '/' || source[0] == '~') return true;
  if (source.rfind("\\\\", 0) == 0) return true;  // Windows named pipe
  return source.size() > 1 && is_windows_drive(source.substr(0, 1), source[1]);
}

const std::set<std::string, std::less<>> kPropagations = {"rprivate", "private", "rshared",
                                                           "shared",   "rslave",  "slave"};

// compose-go silently ignores options it does not know (consistency values included:
// the short syntax never sets `consistency`), so files that work with docker still load.
void apply_options(std::string_view options, ServiceVolume& volume) {
  for (const std::string& option : base::split(options, ',')) {
    if (option == "ro") {
      volume.read_only = true;
    } else if (option == "rw") {
      volume.read_only = false;
    } else if (option == "nocopy") {
      volume.volume = VolumeOptions{};
      volume.volume->nocopy = true;
    } else if (option == "z" || option == "Z") {
      if (!volume.bind) volume.bind = BindOptions{};
      volume.bind->selinux = option;
    } else if (kPropagations.contains(option)) {
      if (!volume.bind) volume.bind = BindOptions{};
      volume.bind->propagation = option;
    }
  }
}

// One colon-separated section: source, then target, then options. A spec with a single
// section is an anonymous volume whose only section is the target.
void take_section(const std::string& section, bool last, ServiceVolume& volume) {
  if (section.empty()) throw std::invalid_argument("empty section between colons");
  if (volume.source.empty() && last) {
    volume.target = section;
  } else if (volume.source.empty()) {
    volume.source = section;
  } else if (volume.target.empty()) {
    volume.target = section;
  } else if (!last) {
    throw std::invalid_argument("too many colons");
  } else {
    apply_options(section, volume);
  }
}

// Splits on ':' except inside "${...}" (left by an escaped "$${") and after a one-letter
// Windows drive, exactly where compose-go splits.
void split_sections(std::string_view spec, ServiceVolume& volume) {
  std::string buffer;
  int substitution_depth = 0;
  for (size_t i = 0; i <= spec.size(); ++i) {
    bool end = i == spec.size();
    char c = end ? '\0' : spec[i];
    if (c == '$' && i + 1 < spec.size() && spec[i + 1] == '{') {
      ++substitution_depth;
      buffer += c;
    } else if (c == '}' && substitution_depth > 0) {
      --substitution_depth;
      buffer += c;
    } else if (is_windows_drive(buffer, c)) {
      buffer += c;
    } else if (end || (c == ':' && substitution_depth == 0)) {
      take_section(buffer, end, volume);
      buffer.clear();
    } else {
      buffer += c;
    }
  }
}

void set_type(ServiceVolume& volume) {
  if (is_file_path(volume.source)) {
    volume.type = "bind";
    if (!volume.bind) volume.bind = BindOptions{};
    // compose keeps docker-compose v1's habit: a short-syntax bind creates a missing host path.
    volume.bind->create_host_path = true;
  } else {
    volume.type = "volume";
    if (!volume.volume) volume.volume = VolumeOptions{};
  }
}

}  // namespace

ServiceVolume parse_volume_spec(std::string_view spec) {
  if (spec.empty()) throw Error("invalid empty volume spec");
  ServiceVolume volume;
  if (spec.size() <= 2) {
    // compose-go's shortcut: a one- or two-character spec is a bare anonymous volume target.
    volume.type = "volume";
    volume.target = std::string(spec);
  } else {
    try {
      split_sections(spec, volume);
    } catch (const std::invalid_argument& e) {
      throw Error(fmt::format("invalid spec: {}: {}", spec, e.what()));
    }
    set_type(volume);
  }
  volume.target = clean_path(volume.target);
  // docker rejects this when creating the container; a daemonless tool says it at load time.
  if (volume.target.front() != '/')
    throw Error(fmt::format("invalid spec: {}: invalid mount path: '{}' mount path must be absolute", spec,
                            volume.target));
  return volume;
}

}  // namespace stack::compose
