// push_image: see transfer.hpp.
#include <algorithm>

#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/store_index.hpp"
#include "engine/image/transfer.hpp"

namespace stack::engine::image {
namespace {

// Another repository of the same registry that holds `blob` as far as the store knows
// (an image pulled from or pushed to there): the registry can mount it from there.
std::string mount_source(const records::Index& idx, const ImageStore& store, const Reference& target,
                         const std::string& blob) {
  for (const auto& [ref, id] : idx) {
    Reference other = parse_reference(ref);
    if (other.domain != target.domain || other.path == target.path) continue;
    auto record = index::read_record(store.dir(), id);
    if (!record) continue;
    for (const LayerRecord& l : record->layers)
      if (l.digest == blob) return other.path;
  }
  return {};
}

void push_layer(RegistryClient& client, const ImageStore& store, const LayerRecord& layer, const std::string& mount_from,
                TransferObserver& observer) {
  const std::string id = short_digest(layer.digest);
  if (client.has_blob(layer.digest)) {
    observer.layer(id, "Layer already exists", 0, 0);
    return;
  }
  observer.layer(id, "Pushing", 0, static_cast<uint64_t>(layer.size));
  client.push_blob(layer.digest, store.blob_path(layer.digest), static_cast<uint64_t>(layer.size), mount_from,
                   [&](uint64_t done, uint64_t total) { observer.layer(id, "Pushing", done, total); });
  observer.layer(id, "Pushed", 0, 0);
}

}  // namespace

std::string push_image(const ImageStore& store, const Reference& ref, const ClientOptions& options,
                       TransferObserver& observer) {
  const records::Index idx = index::read(store.dir());
  auto it = idx.find(index::key_of(ref));
  if (it == idx.end()) throw Error("An image does not exist locally with the tag: " + ref.familiar_name());
  auto record = index::read_record(store.dir(), it->second);
  if (!record) throw Error("image " + ref.familiar() + " is missing its record", "pull or load it again");
  if (record->manifest_digest.empty()) throw Error("image " + ref.familiar() + " has no manifest to push");

  observer.message("The push refers to repository [" + ref.repository() + "]");
  ClientOptions push_options = options;
  push_options.use_mirrors = false;
  RegistryClient client(ref.domain, ref.path, push_options);
  for (const LayerRecord& l : record->layers) observer.layer(short_digest(l.digest), "Preparing", 0, 0);
  for (const LayerRecord& l : record->layers) {
    push_layer(client, store, l, mount_source(idx, store, ref, l.digest), observer);
  }
  const std::string config = store.read_blob(record->id);
  if (!client.has_blob(record->id)) {
    client.push_blob(record->id, store.blob_path(record->id), config.size());
  }
  const std::string manifest = store.read_blob(record->manifest_digest);
  const std::string digest = client.put_manifest(ref.digest.empty() ? ref.tag : ref.digest,
                                                 record->manifest_media_type, manifest);
  store.tag(record->id, ref.repository() + "@" + digest);  // docker's RepoDigests: where it is now
  observer.message((ref.tag.empty() ? digest : ref.tag) + ": digest: " + digest + " size: " + std::to_string(manifest.size()));
  return digest;
}

}  // namespace stack::engine::image
