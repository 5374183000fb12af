#include "engine/image/archive_plan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/store_index.hpp"

namespace stack::engine::image {
namespace {

using nlohmann::json;

constexpr int kMaxIndexDepth = 4;

std::string blob_name(const std::string& digest) { return "blobs/sha256/" + digest_hex(digest); }

std::string normalized_reference(std::string_view text, const std::string& named_by) {
  try {
    return index::key_of(parse_reference(text));
  } catch (const Error& e) {
    throw e.wrap("invalid image archive: " + named_by);
  }
}

Index read_index(const ArchiveFiles& files, const std::string& name, const std::string& named_by) {
  try {
    return parse_index(files.read(name, named_by));
  } catch (const Error& e) {
    throw e.wrap("invalid image archive: " + name);
  }
}

struct ArchiveManifest {
  Descriptor descriptor;
  Manifest manifest;
};

// Every image manifest index.json leads to (through nested indexes) that the archive holds.
void collect_manifests(const ArchiveFiles& files, const std::vector<Descriptor>& entries, int depth,
                       std::vector<ArchiveManifest>& out) {
  for (const Descriptor& d : entries) {
    if (!is_sha256_digest(d.digest)) continue;
    const std::string name = blob_name(d.digest);
    if (files.find(name) == nullptr) continue;  // docker leaves out other platforms' manifests
    if (is_index_media_type(d.media_type)) {
      if (depth < kMaxIndexDepth) collect_manifests(files, read_index(files, name, "index.json").manifests, depth + 1, out);
      continue;
    }
    try {
      out.push_back({d, parse_manifest(files.read(name, "index.json"), d.media_type)});
    } catch (const Error&) {
      // Not an image manifest we can read (an artifact, a schema1 leftover): it cannot be
      // the manifest of a config manifest.json names, and manifest.json is what is loaded.
    }
  }
}

std::vector<ArchiveManifest> archive_manifests(const ArchiveFiles& files) {
  std::vector<ArchiveManifest> out;
  if (files.find("index.json") == nullptr) return out;
  collect_manifests(files, read_index(files, "index.json", "the archive").manifests, 0, out);
  return out;
}

// The archive's manifest naming exactly this config and these layer blobs, if any.
std::optional<Descriptor> matching_manifest(const ArchiveFiles& files, const ImagePlan& plan,
                                            const std::vector<ArchiveManifest>& manifests) {
  const std::string config = files.get(plan.config, "manifest.json").digest;
  for (const ArchiveManifest& m : manifests) {
    if (m.manifest.config.digest != config || m.manifest.layers.size() != plan.layers.size()) continue;
    bool same = true;
    for (size_t i = 0; i < plan.layers.size() && same; ++i) {
      same = m.manifest.layers[i].digest == files.get(plan.layers[i], "manifest.json").digest;
    }
    if (same) return m.descriptor;
  }
  return std::nullopt;
}

std::string string_field(const json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_string()) {
    throw Error(std::string("invalid image archive: manifest.json: an entry has no \"") + key + "\" string");
  }
  return it->get<std::string>();
}

std::vector<std::string> string_list(const json& entry, const char* key) {
  std::vector<std::string> out;
  auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) return out;
  if (!it->is_array()) throw Error(std::string("invalid image archive: manifest.json: \"") + key + "\" is not a list");
  for (const json& item : *it) {
    if (!item.is_string()) throw Error(std::string("invalid image archive: manifest.json: \"") + key + "\" holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string entry_name(const std::string& name) {
  return normalize_archive_name(name, "invalid image archive: manifest.json names \"" + name + "\"");
}

std::vector<ImagePlan> plans_from_docker_manifest(const ArchiveFiles& files) {
  json doc;
  try {
    doc = json::parse(files.read("manifest.json", "the archive"));
  } catch (const json::exception& e) {
    throw Error(std::string("invalid image archive: manifest.json: ") + e.what());
  }
  if (!doc.is_array()) throw Error("invalid image archive: manifest.json is not a list");
  const std::vector<ArchiveManifest> manifests = archive_manifests(files);
  std::vector<ImagePlan> plans;
  for (const json& entry : doc) {
    if (!entry.is_object()) throw Error("invalid image archive: manifest.json holds a non-object");
    ImagePlan plan;
    plan.config = entry_name(string_field(entry, "Config"));
    for (const std::string& layer : string_list(entry, "Layers")) plan.layers.push_back(entry_name(layer));
    for (const std::string& tag : string_list(entry, "RepoTags")) {
      plan.references.push_back(normalized_reference(tag, "manifest.json"));
    }
    plan.manifest = matching_manifest(files, plan, manifests);
    plans.push_back(std::move(plan));
  }
  return plans;
}

std::optional<std::string> name_of(const Descriptor& entry) {
  if (auto it = entry.annotations.find("io.containerd.image.name"); it != entry.annotations.end()) {
    return normalized_reference(it->second, "index.json");
  }
  auto it = entry.annotations.find("org.opencontainers.image.ref.name");
  // Often only a tag ("latest"), which names no repository: such an entry stays unnamed.
  if (it == entry.annotations.end() || it->second.find_first_of("/:") == std::string::npos) return std::nullopt;
  try {
    return index::key_of(parse_reference(it->second));
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::vector<ImagePlan> plans_from_oci_index(const ArchiveFiles& files) {
  std::vector<ImagePlan> plans;
  for (const Descriptor& entry : read_index(files, "index.json", "the archive").manifests) {
    Descriptor chosen = entry;
    if (is_index_media_type(chosen.media_type)) {
      chosen = select_platform(read_index(files, blob_name(chosen.digest), "index.json"));
    }
    auto same = [&](const ImagePlan& p) { return p.manifest->digest == chosen.digest; };
    auto it = std::find_if(plans.begin(), plans.end(), same);
    if (it == plans.end()) {
      Manifest manifest;
      try {
        manifest = parse_manifest(files.read(blob_name(chosen.digest), "index.json"), chosen.media_type);
      } catch (const Error& e) {
        throw e.wrap("invalid image archive: manifest " + chosen.digest);
      }
      ImagePlan plan{blob_name(manifest.config.digest), {}, chosen, {}};
      for (const Descriptor& layer : manifest.layers) plan.layers.push_back(blob_name(layer.digest));
      it = plans.insert(plans.end(), std::move(plan));
    }
    if (auto name = name_of(entry)) {
      if (std::find(it->references.begin(), it->references.end(), *name) == it->references.end()) {
        it->references.push_back(*name);
      }
    }
  }
  return plans;
}

}  // namespace

std::vector<ImagePlan> plan_images(const ArchiveFiles& files) {
  if (files.find("manifest.json") != nullptr) return plans_from_docker_manifest(files);
  if (files.find("index.json") != nullptr) return plans_from_oci_index(files);
  throw Error("invalid image archive: it has neither manifest.json nor index.json",
              "image archives are made by `stack image save` or `docker save`");
}

}  // namespace stack::engine::image
