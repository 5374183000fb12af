#include "vol/volume_store.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fmt/format.h>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/random_id.hpp"
#include "base/syscall_error.hpp"
#include "base/tree_copy.hpp"
#include "base/unique_fd.hpp"
#include "base/utc_time.hpp"
#include "vol/mount_options.hpp"
#include "vol/volume_record.hpp"

namespace fs = std::filesystem;

namespace stack::vol {
namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (!first && (c == '_' || c == '.' || c == '-'));
}

// What the volume's files take, as docker counts it: the sizes of its regular files.
uint64_t content_size(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec) && !it->is_symlink(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
  return out;
}

}  // namespace

void check_volume_name(const std::string& name) {
  bool ok = name.size() >= 2;
  for (size_t i = 0; ok && i < name.size(); ++i) ok = name_char(name[i], i == 0);
  if (!ok) {
    throw Error("create " + name + ": \"" + name +
                "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" "
                "are allowed. If you intended to pass a host directory, use absolute path");
  }
}

VolumeStore::VolumeStore(std::string root, std::shared_ptr<Mounter> mounter)
    : mounter_(std::move(mounter)), root_(std::move(root)) {}

Volume VolumeStore::create(const std::string& name, const VolumeSpec& spec) {
  check_volume_name(name);
  if (spec.driver != "local") throw Error("create " + name + ": plugin \"" + spec.driver + "\" not found");
  try {
    check_local_options(spec.options);
  } catch (const Error& e) {
    throw e.wrap("create " + name);
  }
  if (auto existing = find(name)) {
    if (existing->options != spec.options || existing->driver != spec.driver)
      throw Error("create " + name + ": volume already exists with different options",
                  "remove it first (stack volume rm " + name + ") or use the options it has");
    return *existing;
  }
  fs::create_directories(root_);
  std::string tmp = root_ + "/.new-" + name + "-XXXXXX";
  if (::mkdtemp(tmp.data()) == nullptr) throw syscall_error("create volume " + name + ": mkdtemp " + root_);
  Volume v{name, spec.driver, spec.labels, spec.options, base::utc_now_rfc3339(), dir_of(name) + "/_data"};
  try {
    // As docker: only root lists the volume's directory; containers bind its _data.
    if (::chmod(tmp.c_str(), 0701) != 0) throw syscall_error("chmod " + tmp);
    if (::mkdir((tmp + "/_data").c_str(), 0755) != 0) throw syscall_error("mkdir " + tmp + "/_data");
    base::write_file_atomic(tmp + "/volume.json", volume_to_json(v));
    // rename(2) does not replace a non-empty directory: a volume made meanwhile by
    // another command stays, and is compared as an existing one.
    if (::rename(tmp.c_str(), dir_of(name).c_str()) != 0) {
      if (errno != EEXIST && errno != ENOTEMPTY) throw syscall_error("create volume " + name + ": rename " + tmp);
      fs::remove_all(tmp);
      return create(name, spec);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  return v;
}

Volume VolumeStore::get_or_create(const std::string& name) {
  if (auto v = find(name)) return *v;
  return create(name, {});
}

std::optional<Volume> VolumeStore::find(const std::string& name) const {
  if (name.empty() || name[0] == '.' || name.find('/') != std::string::npos) return std::nullopt;
  const auto text = base::read_file_if_exists(dir_of(name) + "/volume.json");
  if (!text) return std::nullopt;
  return volume_from_json(*text, dir_of(name) + "/volume.json");
}

Volume VolumeStore::get(const std::string& name) const {
  if (auto v = find(name)) return *v;
  throw Error("get " + name + ": no such volume");
}

std::vector<Volume> VolumeStore::list() const {
  std::vector<Volume> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name[0] == '.') continue;
    if (auto v = find(name)) out.push_back(*v);
  }
  std::sort(out.begin(), out.end(), [](const Volume& a, const Volume& b) { return a.name < b.name; });
  return out;
}

bool is_anonymous(const Volume& volume) { return volume.labels.count(kAnonymousLabel) != 0; }

Volume VolumeStore::create_anonymous() {
  VolumeSpec spec;
  spec.labels[kAnonymousLabel] = "";
  return create(base::random_hex_id(), spec);
}

bool VolumeStore::fill_if_empty(const Volume& volume, const std::function<bool(const std::string&)>& fill) {
  const std::string data = ensure_mounted(volume);
  base::FileLock lock(dir_of(volume.name) + "/.fill.lock", base::FileLock::Mode::Exclusive);
  UniqueFd dir(::open(data.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw syscall_error("volume " + volume.name + ": open " + data);
  if (base::has_entries(dir.get())) return false;
  return fill(data);
}

std::string VolumeStore::ensure_mounted(const Volume& volume) {
  if (!needs_mount(volume.options)) return volume.mountpoint;
  base::FileLock lock(root_ + "/.mount.lock", base::FileLock::Mode::Exclusive);
  if (!mounter_->is_mounted(volume.mountpoint)) {
    try {
      mounter_->mount(plan_mount(volume.options, volume.mountpoint));
    } catch (const Error& e) {
      throw e.wrap("volume " + volume.name);
    }
  }
  return volume.mountpoint;
}

base::FileLock VolumeStore::lock_for_using() const {
  fs::create_directories(root_);
  return base::FileLock(root_ + "/.lock", base::FileLock::Mode::Shared);
}

void VolumeStore::remove_locked(const std::string& name) {
  const std::string data = dir_of(name) + "/_data";
  {
    base::FileLock lock(root_ + "/.mount.lock", base::FileLock::Mode::Exclusive);
    if (mounter_->is_mounted(data)) {
      try {
        mounter_->unmount(data);
      } catch (const Error& e) {
        throw e.wrap("remove " + name);
      }
    }
    // Never delete through a mount: that would empty the filesystem (or host directory) under it.
    if (mounter_->is_mounted(data)) throw Error("remove " + name + ": " + data + " is still mounted");
  }
  // The record goes first (a rename, atomic): a removal cut short leaves no half volume
  // in the listings, only a hidden directory that the next removal of it clears.
  const std::string doomed = root_ + "/.removing-" + name;
  std::error_code ec;
  fs::remove_all(doomed, ec);
  if (::rename(dir_of(name).c_str(), doomed.c_str()) != 0) throw syscall_error("remove " + name + ": rename");
  fs::remove_all(doomed, ec);
  if (ec) throw Error(fmt::format("remove {}: {}: {}", name, doomed, ec.message()));
}

void VolumeStore::remove(const std::string& name, const VolumeUsers& users) {
  fs::create_directories(root_);
  base::FileLock lock(root_ + "/.lock", base::FileLock::Mode::Exclusive);
  get(name);
  const auto in_use = users();
  if (auto it = in_use.find(name); it != in_use.end() && !it->second.empty())
    throw Error("remove " + name + ": volume is in use - [" + join(it->second) + "]");
  remove_locked(name);
}

PrunedVolumes VolumeStore::prune(const VolumeUsers& users, bool all) {
  fs::create_directories(root_);
  base::FileLock lock(root_ + "/.lock", base::FileLock::Mode::Exclusive);
  const auto in_use = users();
  PrunedVolumes out;
  for (const Volume& v : list()) {
    if (auto it = in_use.find(v.name); it != in_use.end() && !it->second.empty()) continue;
    if (!all && !is_anonymous(v)) continue;
    const uint64_t size = content_size(v.mountpoint);
    try {
      remove_locked(v.name);
    } catch (const Error&) {
      continue;  // kept whole (e.g. its filesystem is busy): prune removes what it can
    }
    out.deleted.push_back(v.name);
    out.reclaimed_bytes += size;
  }
  return out;
}

}  // namespace stack::vol
