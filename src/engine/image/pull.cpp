// pull_image: see transfer.hpp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "base/error.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/layer_unpack.hpp"
#include "engine/image/store_index.hpp"
#include "engine/image/transfer.hpp"

namespace fs = std::filesystem;

namespace stack::engine::image {
namespace {

// What one pull has resolved: the registry, the manifest and the config.
struct PullPlan {
  RegistryClient& client;
  const ImageStore& store;
  TransferObserver& observer;
  Manifest manifest;
  std::vector<std::string> diff_ids;
  std::vector<int64_t> content_sizes;  // filled in per layer
  std::map<std::string, int64_t> known_sizes;  // of the layers the store had when the pull began
};

int64_t known_size(const PullPlan& p, const std::string& diff_id) {
  auto it = p.known_sizes.find(diff_id);
  return it == p.known_sizes.end() ? 0 : it->second;
}

void download_blob(PullPlan& p, const Descriptor& d) {
  const std::string id = short_digest(d.digest);
  p.observer.layer(id, "Pulling fs layer", 0, 0);
  const std::string partial = p.store.partial_blob_path(d.digest);
  p.client.get_blob(d.digest, partial, [&](uint64_t done, uint64_t total) {
    p.observer.layer(id, "Downloading", done, total ? total : static_cast<uint64_t>(d.size));
  });
  p.observer.layer(id, "Download complete", 0, 0);
  p.store.commit_blob(partial, d.digest);
}

int64_t unpack_blob(PullPlan& p, const Descriptor& d, const std::string& diff_id) {
  p.observer.layer(short_digest(d.digest), "Extracting", 0, 0);
  const std::string dir = p.store.tmp_dir() + "/unpack-" + digest_hex(diff_id) + "-" + std::to_string(::getpid()) +
                          "-" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (::mkdir(dir.c_str(), 0755) != 0) throw Error("cannot create " + dir + ": " + std::strerror(errno));
  try {
    UniqueFd in(::open(p.store.blob_path(d.digest).c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) throw Error("blob " + d.digest + ": " + std::strerror(errno));
    const UnpackedLayer u = unpack_layer(in.get(), dir);
    if (u.diff_id != diff_id) {
      throw Error("layer " + d.digest + " unpacks to " + u.diff_id + ", but the image config says " + diff_id);
    }
    p.store.commit_layer(dir, diff_id);
    return static_cast<int64_t>(u.content_size);
  } catch (...) {
    fs::remove_all(dir, ec);
    throw;
  }
}

void fetch_layer(PullPlan& p, size_t i) {
  const Descriptor& d = p.manifest.layers[i];
  const std::string& diff_id = p.diff_ids[i];
  if (p.store.has_layer(diff_id) && p.store.has_blob(d.digest)) {
    p.observer.layer(short_digest(d.digest), "Already exists", 0, 0);
    p.content_sizes[i] = known_size(p, diff_id);
    return;
  }
  base::FileLock lock = p.store.lock_blob(d.digest);  // a concurrent pull of it waits here
  if (!p.store.has_blob(d.digest)) download_blob(p, d);
  p.content_sizes[i] = p.store.has_layer(diff_id) ? known_size(p, diff_id) : unpack_blob(p, d, diff_id);
  p.observer.layer(short_digest(d.digest), "Pull complete", 0, 0);
}

// Runs fetch_layer for every layer on `parallel` threads; the first error wins.
void fetch_layers(PullPlan& p, int parallel) {
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto worker = [&] {
    for (size_t i; (i = next++) < p.manifest.layers.size();) {
      try {
        fetch_layer(p, i);
      } catch (...) {
        std::lock_guard<std::mutex> g(failure_lock);
        if (!failure) failure = std::current_exception();
        next = p.manifest.layers.size();  // start nothing new
      }
    }
  };
  std::vector<std::thread> threads;
  const size_t n = std::min<size_t>(std::max(parallel, 1), p.manifest.layers.size());
  for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

// The manifest for linux/amd64: the reference's own, or the one an index points to.
std::pair<FetchedManifest, std::string> resolve_manifest(RegistryClient& client, const Reference& ref) {
  FetchedManifest top = client.get_manifest(ref.digest.empty() ? ref.tag : ref.digest);
  if (!is_index_media_type(top.media_type)) return {top, top.digest};
  const Descriptor chosen = select_platform(parse_index(top.body));
  return {client.get_manifest(chosen.digest), top.digest};
}

std::string fetch_config(RegistryClient& client, const ImageStore& store, const Descriptor& config) {
  if (!store.has_blob(config.digest)) {
    base::FileLock lock = store.lock_blob(config.digest);
    if (!store.has_blob(config.digest)) {
      const std::string partial = store.partial_blob_path(config.digest);
      client.get_blob(config.digest, partial);
      store.commit_blob(partial, config.digest);
    }
  }
  return store.read_blob(config.digest);
}

}  // namespace

PullResult pull_image(const ImageStore& store, const Reference& ref, const ClientOptions& options,
                      TransferObserver& observer, int parallel_downloads) {
  base::FileLock adding = store.lock_for_adding();
  RegistryClient client(ref.domain, ref.path, options);
  observer.message((ref.digest.empty() ? ref.tag : ref.digest) + ": Pulling from " + ref.path);
  auto [fetched, resolved_digest] = resolve_manifest(client, ref);
  PullPlan plan{client, store, observer, parse_manifest(fetched.body, fetched.media_type), {}, {}, {}};
  const ImageConfig config = parse_image_config(fetch_config(client, store, plan.manifest.config));
  if (config.diff_ids.size() != plan.manifest.layers.size()) {
    throw Error(ref.familiar() + ": the manifest lists " + std::to_string(plan.manifest.layers.size()) +
                " layers but the image config " + std::to_string(config.diff_ids.size()));
  }
  plan.diff_ids = config.diff_ids;
  plan.content_sizes.assign(plan.diff_ids.size(), 0);
  plan.known_sizes = store.layer_content_sizes();

  const std::string tag_key = index::key_of(ref);
  const records::Index before = index::read(store.dir());
  auto had = before.find(tag_key);
  const bool up_to_date = had != before.end() && had->second == plan.manifest.config.digest &&
                          index::read_record(store.dir(), had->second).has_value();
  fetch_layers(plan, parallel_downloads);

  ImageRecord record;
  record.id = plan.manifest.config.digest;
  record.manifest_digest = store.put_blob(fetched.body);
  record.manifest_media_type = plan.manifest.media_type;
  for (size_t i = 0; i < plan.manifest.layers.size(); ++i) {
    const Descriptor& d = plan.manifest.layers[i];
    record.layers.push_back({plan.diff_ids[i], d.digest, d.media_type, d.size, plan.content_sizes[i]});
  }
  std::vector<std::string> refs = {tag_key};
  if (ref.digest.empty()) refs.push_back(ref.repository() + "@" + resolved_digest);
  store.add_image(record, refs);
  observer.message("Digest: " + resolved_digest);
  return PullResult{*store.find(record.id), resolved_digest, !up_to_date};
}

}  // namespace stack::engine::image
