// Named volumes of the local driver (DESIGN section 6), under <root>/volumes:
//
//   <root>/volumes/<name>/_data/        the content: what containers bind
//   <root>/volumes/<name>/volume.json   name, driver, labels, options, created, mountpoint
//   <root>/volumes/.lock                shared while a container is being made with volumes,
//                                       exclusive while volumes are removed
//   <root>/volumes/.mount.lock          exclusive while a volume is mounted or unmounted
//
// A volume appears whole or not at all: it is made in a temporary directory and renamed
// into place. With driver options `type`/`device`/`o`, _data is a mount of its own, made
// the first time a container needs it and unmounted when the volume is removed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/file_lock.hpp"
#include "vol/mounter.hpp"

namespace stack::vol {

struct Volume {
  std::string name;
  std::string driver = "local";
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;  // driver_opts
  std::string created;                         // RFC 3339
  std::string mountpoint;                      // <root>/volumes/<name>/_data
  bool operator==(const Volume&) const = default;
};

struct VolumeSpec {
  std::string driver = "local";
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;
};

struct PrunedVolumes {
  std::vector<std::string> deleted;
  uint64_t reclaimed_bytes = 0;
};

// Volume name -> the names of the containers that use it (asked only under the lock).
using VolumeUsers = std::function<std::map<std::string, std::vector<std::string>>()>;

// docker's rule for local volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+. Throws stack::Error
// with docker's text otherwise.
void check_volume_name(const std::string& name);

// The label docker puts on anonymous volumes.
inline constexpr const char* kAnonymousLabel = "com.docker.volume.anonymous";
bool is_anonymous(const Volume& volume);

class VolumeStore {
 public:
  VolumeStore(std::string root, std::shared_ptr<Mounter> mounter);  // root: <root>/volumes

  // The volume, made if missing. An existing one with the same driver, labels and options
  // is returned as it is; different ones are an error naming the volume.
  Volume create(const std::string& name, const VolumeSpec& spec);
  // The volume, or a new one with default options (docker's volume made on first use).
  Volume get_or_create(const std::string& name);
  std::optional<Volume> find(const std::string& name) const;
  Volume get(const std::string& name) const;  // throws "get NAME: no such volume"
  std::vector<Volume> list() const;           // by name

  // An anonymous volume (`-v /path`, an image's VOLUME): a random 64-hex name and
  // docker's label com.docker.volume.anonymous, which `rm -v` and `prune` go by.
  Volume create_anonymous();

  // Mounts a volume with a `type` over its _data unless already there; returns _data.
  std::string ensure_mounted(const Volume& volume);

  // Copy-up (engine/copy_up.hpp): runs `fill(data_dir)` when the (mounted) volume holds
  // nothing, under the volume's own lock, so that two containers made at once never both
  // fill it. Returns what `fill` returned, or false when the volume was not empty.
  bool fill_if_empty(const Volume& volume, const std::function<bool(const std::string&)>& fill);

  // Refused, whatever the caller wants, while a container uses it (docker refuses even with
  // -f): "remove NAME: volume is in use - [c1, c2]". Unmounts first; a failed unmount
  // leaves the volume whole.
  void remove(const std::string& name, const VolumeUsers& users);
  // Removes the anonymous volumes no container uses, or with `all` every unused one
  // (docker 23's rule); what failed to go is left and skipped.
  PrunedVolumes prune(const VolumeUsers& users, bool all);

  // Held (shared) from resolving a container's volumes until its config names them.
  base::FileLock lock_for_using() const;

 private:
  std::string dir_of(const std::string& name) const { return root_ + "/" + name; }
  void remove_locked(const std::string& name);
  std::shared_ptr<Mounter> mounter_;
  std::string root_;
};

}  // namespace stack::vol
