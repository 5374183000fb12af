// docker run's -v, --tmpfs and --device, the --init binary and the sysctl check. The
// runtime makes /proc, /sys, /dev (with pts, shm, mqueue) itself (rootfs.hpp): only what
// the user asked for is listed here. Binds and devices are checked on the host now so that
// `create` fails, not the start in the shim.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <set>

#include "base/byte_size.hpp"
#include "base/strings.hpp"
#include "engine/container_create_parts.hpp"

namespace stack::engine::create_detail {
namespace {

// "/data/" -> "/data", "/a/../b" -> "/b"; relative -> "".
std::string clean_absolute(const std::string& path) {
  if (path.empty() || path[0] != '/') return {};
  std::string out = std::filesystem::path(path).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string container_path(std::string_view flag, const std::string& spec, const std::string& path) {
  const std::string clean = clean_absolute(path);
  if (clean.empty()) throw flag_error(flag, spec, "the container path \"" + path + "\" must be absolute");
  if (clean == "/") throw flag_error(flag, spec, "the container path cannot be /");
  return clean;
}

bool is_propagation(const std::string& word) {
  static const std::set<std::string> words = {"private", "rprivate", "shared", "rshared", "slave", "rslave"};
  return words.count(word) > 0;
}

// "/host:/ctr[:ro,rshared,...]": an rbind, rprivate unless told, as Docker binds.
runtime::Mount parse_volume(const std::string& spec) {
  const std::vector<std::string> parts = base::split(spec, ':');
  if (parts.size() == 1) throw flag_error("--volume", spec, "expected /host/path:/container/path[:options]");
  if (parts.size() > 3) throw flag_error("--volume", spec, "too many colons");
  const std::string& host = parts[0];
  if (clean_absolute(host).empty())
    throw flag_error("--volume", spec, "the host path \"" + host + "\" must be absolute (named volumes are not supported)");
  struct stat st {};
  if (::stat(host.c_str(), &st) != 0)
    throw flag_error("--volume", spec, fmt::format("the host path {}: {}", host, std::strerror(errno)));
  runtime::Mount m{container_path("--volume", spec, parts[1]), "bind", clean_absolute(host), {"rbind"}};
  std::string propagation = "rprivate";
  bool read_only = false;
  for (const auto& word : parts.size() == 3 ? base::split(parts[2], ',') : std::vector<std::string>{}) {
    if (word == "ro" || word == "rw") {
      read_only = word == "ro";
    } else if (is_propagation(word)) {
      propagation = word;
    } else if (word != "z" && word != "Z" && word != "nocopy") {  // SELinux labels, volume hint: nothing here
      throw flag_error("--volume", spec, "invalid mode \"" + word + "\"");
    }
  }
  if (read_only) m.options.push_back("ro");
  m.options.push_back(propagation);
  return m;
}

// tmpfs's own data options, as docker's ParseTmpfsOptions accepts them.
bool is_tmpfs_data(const std::string& key) {
  static const std::set<std::string> keys = {"size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"};
  return keys.count(key) > 0;
}

bool is_mount_flag(const std::string& word) {
  static const std::set<std::string> words = {"ro",   "rw",      "exec",     "noexec",     "suid",   "nosuid",
                                              "dev",  "nodev",   "noatime",  "relatime",   "atime",  "strictatime",
                                              "diratime", "nodiratime"};
  return words.count(word) > 0;
}

// "/path[:size=64m,mode=1777,...]": noexec,nosuid,nodev first as docker, the user's words after
// (a later word wins: "exec" lifts noexec). size= goes to the kernel in bytes ("1.5g" works).
runtime::Mount parse_tmpfs(const std::string& spec) {
  const size_t colon = spec.find(':');
  runtime::Mount m{container_path("--tmpfs", spec, spec.substr(0, colon)), "tmpfs", "tmpfs",
                   {"noexec", "nosuid", "nodev"}};
  if (colon == std::string::npos) return m;
  for (const auto& word : base::split(spec.substr(colon + 1), ',')) {
    const size_t eq = word.find('=');
    const std::string key = word.substr(0, eq);
    if (word.empty()) continue;
    if (eq == std::string::npos ? !is_mount_flag(word) : !is_tmpfs_data(key))
      throw flag_error("--tmpfs", spec, "invalid tmpfs option \"" + word + "\"");
    if (key == "size" && !word.ends_with("%")) {
      try {
        m.options.push_back("size=" + std::to_string(base::parse_byte_size(word.substr(eq + 1))));
      } catch (const Error& e) {
        throw flag_error("--tmpfs", spec, e.what());
      }
      continue;
    }
    m.options.push_back(word);
  }
  return m;
}

// Destination depth: docker mounts shallower destinations first so a parent never hides a child.
size_t depth(const std::string& destination) { return static_cast<size_t>(std::count(destination.begin(), destination.end(), '/')); }

}  // namespace

std::vector<runtime::Mount> parse_mounts(const CreateRequest& request) {
  std::vector<runtime::Mount> mounts;
  if (request.init) {
    if (::access(kInitBinary, X_OK) != 0)
      throw Error(fmt::format("--init: {}: {}", kInitBinary, std::strerror(errno)), "install the tini package");
    mounts.push_back({kInitPath, "bind", kInitBinary, {"bind", "ro", "rprivate"}});
  }
  for (const auto& spec : request.volumes) mounts.push_back(parse_volume(spec));
  for (const auto& spec : request.tmpfs) mounts.push_back(parse_tmpfs(spec));
  std::set<std::string> seen;
  for (const auto& m : mounts)
    if (!seen.insert(m.destination).second) throw Error("duplicate mount point: " + m.destination);
  std::stable_sort(mounts.begin(), mounts.end(),
                   [](const auto& a, const auto& b) { return depth(a.destination) < depth(b.destination); });
  return mounts;
}

// "/dev/x", "/dev/x:/dev/y", "/dev/x:rwm", "/dev/x:/dev/y:rw" (docker's parseDevice).
std::vector<runtime::Device> parse_devices(const std::vector<std::string>& devices) {
  auto is_mode = [](const std::string& s) {
    return !s.empty() && s.size() <= 3 && s.find_first_not_of("rwm") == std::string::npos;
  };
  std::vector<runtime::Device> out;
  for (const auto& spec : devices) {
    const std::vector<std::string> parts = base::split(spec, ':');
    if (parts.size() > 3) throw flag_error("--device", spec, "too many colons");
    const std::string& host = parts[0];
    std::string path = host;
    std::string permissions = "rwm";
    if (parts.size() == 3) {
      path = parts[1];
      permissions = parts[2];
    } else if (parts.size() == 2) {
      (is_mode(parts[1]) ? permissions : path) = parts[1];  // "/dev/x:rw" or "/dev/x:/dev/y"
    }
    if (!is_mode(permissions)) throw flag_error("--device", spec, "permissions must be made of r, w and m");
    if (clean_absolute(path).empty()) throw flag_error("--device", spec, "the container path must be absolute");
    struct stat st {};
    if (::stat(host.c_str(), &st) != 0)
      throw flag_error("--device", spec, fmt::format("{}: {}", host, std::strerror(errno)));
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
      throw flag_error("--device", spec, host + " is not a character or block device");
    out.push_back({clean_absolute(path), S_ISCHR(st.st_mode) ? 'c' : 'b', major(st.st_rdev), minor(st.st_rdev),
                   st.st_mode & 07777, st.st_uid, st.st_gid, permissions});
  }
  return out;
}

void check_sysctls(const std::map<std::string, std::string>& sysctls, bool own_network) {
  static const std::set<std::string> ipc = {"kernel.msgmax", "kernel.msgmnb",  "kernel.msgmni",         "kernel.sem",
                                            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
  for (const auto& [key, value] : sysctls) {
    const std::string where = key + "=" + value;
    if (ipc.count(key) || key.starts_with("fs.mqueue.")) continue;
    if (key.starts_with("net.")) {
      if (own_network) continue;
      throw flag_error("--sysctl", where, "not allowed with the host's network namespace");
    }
    throw flag_error("--sysctl", where, "not namespaced: it would change the host");
  }
}

}  // namespace stack::engine::create_detail
