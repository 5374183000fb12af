// Pull and push: images between the store and a registry (registry_client.hpp).
//
// A pull resolves the reference to a manifest (choosing linux/amd64 from an index),
// fetches the config, then downloads and unpacks the layers it does not have, several at
// once. Every blob is verified by digest and every unpacked layer against the config's
// diff IDs. Blobs are downloaded to tmp/<hex>.partial, so an interrupted pull resumes
// where it stopped; layers appear in the store only once complete; two pulls of one
// layer at the same time download it once (a lock per blob). The image is recorded, and
// its tag moved to it, only when everything is in place.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "engine/image/reference.hpp"
#include "engine/image/registry_client.hpp"
#include "engine/image/store.hpp"

namespace stack::engine::image {

// What a transfer reports, per layer (12-digit short digest) and overall. Called from
// several threads at once: implementations lock.
class TransferObserver {
 public:
  virtual ~TransferObserver() = default;
  // "Pulling fs layer", "Waiting", "Downloading", "Verifying Checksum", "Download complete",
  // "Extracting", "Pull complete", "Already exists"; push: "Preparing", "Pushing", "Pushed",
  // "Layer already exists", "Mounted from <repo>". `done`/`total` only with Downloading and
  // Pushing (total 0 when unknown).
  virtual void layer(const std::string& short_digest, const std::string& status, uint64_t done, uint64_t total) = 0;
  // A line of its own ("latest: Pulling from library/busybox", "Digest: sha256:...").
  virtual void message(const std::string& text) = 0;
};

struct PullResult {
  ImageEntry image;
  std::string digest;     // of the manifest (or index) the reference resolved to
  bool downloaded = false;  // false: the store already had the image ("Image is up to date")
};

// Pulls `reference` into `store`. `options` as for RegistryClient (mirrors, credentials).
PullResult pull_image(const ImageStore& store, const Reference& reference, const ClientOptions& options,
                      TransferObserver& observer, int parallel_downloads = 3);

// Pushes the image `reference` names (it must be in the store under that name) to its
// registry; returns the manifest digest. Layers the registry has are not sent; a layer
// the store knows in another repository of the same registry is mounted from there.
std::string push_image(const ImageStore& store, const Reference& reference, const ClientOptions& options,
                       TransferObserver& observer);

}  // namespace stack::engine::image
