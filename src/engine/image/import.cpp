#include "engine/image/import.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "base/error.hpp"
#include "base/utc_time.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/layer_unpack.hpp"
#include "engine/image/scratch_files.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/store_index.hpp"


namespace stack::engine::image {
namespace {


}  // namespace

ImageEntry import_image(const ImageStore& store, int in_fd, const ImportOptions& options) {
  ImageConfig config;
  config.created = base::utc_now_rfc3339();
  for (const std::string& change : options.changes) apply_change(config.config, change);
  std::vector<std::string> references;
  if (!options.reference.empty()) references.push_back(index::key_of(parse_reference(options.reference)));

  base::FileLock lock = store.lock_for_adding();
  ScratchFiles scratch;
  const std::string base = scratch_path(store, "import");
  scratch.blob = base + ".tar";
  scratch.dir = base + ".d";
  UniqueFd blob(::open(scratch.blob.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!blob) throw Error("cannot create " + scratch.blob + ": " + std::strerror(errno));
  if (::mkdir(scratch.dir.c_str(), 0755) != 0) throw Error("cannot create " + scratch.dir + ": " + std::strerror(errno));
  const UnpackedLayer layer = unpack_layer(in_fd, scratch.dir, blob.get());
  blob.reset();

  // The layer is kept uncompressed, as docker keeps an imported one: its digest is its diff ID.
  store.commit_blob(scratch.blob, layer.diff_id);
  scratch.blob.clear();
  store.commit_layer(scratch.dir, layer.diff_id);
  scratch.dir.clear();

  config.diff_ids = {layer.diff_id};
  config.history.push_back({config.created, "", options.message.empty() ? "Imported from " + options.source : options.message, false});
  const std::string config_json = serialize_image_config(config);
  const std::string id = store.put_blob(config_json);

  Manifest manifest;
  manifest.media_type = std::string(media_type::kOciManifest);
  manifest.config = {std::string(media_type::kOciConfig), id, static_cast<int64_t>(config_json.size()), {}, {}};
  manifest.layers.push_back({std::string(media_type::kOciLayer), layer.diff_id, static_cast<int64_t>(layer.tar_size), {}, {}});
  const std::string manifest_json = serialize_manifest(manifest);
  ImageRecord record;
  record.id = id;
  record.manifest_digest = store.put_blob(manifest_json);
  record.manifest_media_type = manifest.media_type;
  record.layers.push_back({layer.diff_id, layer.diff_id, manifest.layers[0].media_type, manifest.layers[0].size,
                           static_cast<int64_t>(layer.content_size)});
  store.add_image(record, references);
  return *store.find(id);
}

}  // namespace stack::engine::image
