// The build cache: one small record per step result, named by the step's key (a digest
// chained from the base image's id through every instruction before it, and, for COPY and
// ADD, the content of the files they copy). A record says when the step first ran (so a
// rebuild from cache gives the same image config, hence the same image id, and `up` does
// not recreate containers) and which layer it made, if any.
//
// Records live in <image store>/build-cache/. A layer the store no longer has (pruned)
// makes its record a miss, so the cache never needs cleaning to stay correct.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/image/store.hpp"

namespace stack::engine::build {

struct CachedStep {
  std::string created;  // RFC 3339
  std::optional<image::LayerRecord> layer;
};

class BuildCache {
 public:
  explicit BuildCache(const image::ImageStore& store);

  // The key of a step: `parent` (the previous step's key) and what determines the step.
  static std::string key(std::string_view parent, std::string_view step);

  // nullopt when there is no usable record (none, unreadable, or its layer is gone).
  std::optional<CachedStep> find(const std::string& key) const;
  void put(const std::string& key, const CachedStep& step) const;

 private:
  const image::ImageStore& store_;
  std::string dir_;
};

}  // namespace stack::engine::build
