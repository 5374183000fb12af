// Manifests and indexes (OCI image-spec and Docker schema2 / manifest list), their
// descriptors, and the platform choice in an index. Parsing is strict about what a pull
// depends on (digests, sizes, the config and layer lists) and ignores everything else.
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/oci.hpp"

namespace stack::engine::image {
namespace {

using nlohmann::json;

constexpr std::string_view kSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";
constexpr std::string_view kSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws";
constexpr std::string_view kAttestationAnnotation = "vnd.docker.reference.type";

// `what` is "manifest" or "index"; every error starts with "invalid <what>: ".
Error invalid(std::string_view what, const std::string& detail, std::string hint = {}) {
  return Error("invalid " + std::string(what) + ": " + detail, std::move(hint));
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

json parse_object(std::string_view text, std::string_view what) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw invalid(what, "the document is not valid JSON");
  if (!doc.is_object()) throw invalid(what, "the document is not a JSON object");
  return doc;
}

// A string member; "" when absent or null.
std::string optional_string(const json& obj, const char* key, std::string_view what, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) throw invalid(what, where + key + " is not a string");
  return it->get<std::string>();
}

std::map<std::string, std::string> parse_annotations(const json& obj, std::string_view what, const std::string& where) {
  std::map<std::string, std::string> out;
  auto it = obj.find("annotations");
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) throw invalid(what, where + "annotations is not an object");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) throw invalid(what, where + "annotations." + key + " is not a string");
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

std::optional<Platform> parse_platform(const json& obj, std::string_view what, const std::string& where) {
  auto it = obj.find("platform");
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) throw invalid(what, where + "platform is not an object");
  std::string at = where + "platform.";
  return Platform{optional_string(*it, "os", what, at), optional_string(*it, "architecture", what, at),
                  optional_string(*it, "variant", what, at)};
}

// `name` is the descriptor's place in the document: "config", "layers[2]", "manifests[0]".
Descriptor parse_descriptor(const json& obj, std::string_view what, const std::string& name) {
  if (!obj.is_object()) throw invalid(what, name + " is not an object");
  std::string where = name + ".";
  Descriptor d;
  d.media_type = optional_string(obj, "mediaType", what, where);
  d.digest = optional_string(obj, "digest", what, where);
  if (d.digest.empty()) throw invalid(what, name + " has no digest");
  if (!is_sha256_digest(d.digest)) {
    throw invalid(what, name + " has an invalid digest " + in_quotes(d.digest),
                  "a digest is \"sha256:\" followed by 64 lowercase hex digits");
  }
  auto size = obj.find("size");
  if (size == obj.end() || size->is_null()) throw invalid(what, name + " has no size");
  if (!size->is_number_integer() || size->get<int64_t>() < 0) {
    throw invalid(what, name + " has an invalid size " + size->dump());
  }
  d.size = size->get<int64_t>();
  d.platform = parse_platform(obj, what, where);
  d.annotations = parse_annotations(obj, what, where);
  return d;
}

std::vector<Descriptor> parse_descriptor_list(const json& doc, const char* key, std::string_view what) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) throw invalid(what, std::string("no ") + key + " list");
  if (!it->is_array()) throw invalid(what, std::string(key) + " is not a list");
  std::vector<Descriptor> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    out.push_back(parse_descriptor((*it)[i], what, std::string(key) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

Error schema1_error() {
  return Error("unsupported manifest: schema1 (docker image format v1) is not supported",
               "push the image again with a current docker or buildkit, which writes schema2 or OCI manifests");
}

void check_schema_version(const json& doc, std::string_view what) {
  auto it = doc.find("schemaVersion");
  if (it == doc.end() || it->is_null()) return;  // required by the specs, but nothing here depends on it
  if (*it == 1) throw schema1_error();
  if (*it != 2) throw invalid(what, "unsupported schemaVersion " + it->dump());
}

// "application/vnd.oci.image.manifest.v1+json; charset=utf-8" -> the type alone.
std::string_view bare_media_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return content_type;
}

std::string manifest_media_type(const json& doc, std::string_view content_type) {
  std::string type = optional_string(doc, "mediaType", "manifest", "");
  if (type.empty()) type = std::string(bare_media_type(content_type));
  if (type == kSchema1Manifest || type == kSchema1SignedManifest) throw schema1_error();
  // Early OCI manifests carry no mediaType; their fields say what they are.
  if (type.empty()) type = doc.contains("manifests") ? std::string(media_type::kOciIndex) : std::string(media_type::kOciManifest);
  if (is_index_media_type(type)) {
    throw invalid("manifest", "the document is an index (" + type + "), not a manifest",
                  "choose a platform's manifest from the index first");
  }
  if (type != media_type::kOciManifest && type != media_type::kDockerManifest) {
    throw invalid("manifest", "unsupported media type " + in_quotes(type));
  }
  return type;
}

std::string index_media_type(const json& doc) {
  std::string type = optional_string(doc, "mediaType", "index", "");
  if (type.empty()) return std::string(media_type::kOciIndex);
  if (type == kSchema1Manifest || type == kSchema1SignedManifest) throw schema1_error();
  if (!is_index_media_type(type)) {
    throw invalid("index", "unsupported media type " + in_quotes(type) + ", expected an index or manifest list");
  }
  return type;
}

bool is_attestation(const Descriptor& d) {
  auto it = d.annotations.find(std::string(kAttestationAnnotation));
  if (it != d.annotations.end() && it->second == "attestation-manifest") return true;
  return d.platform && d.platform->os == "unknown";
}

// An empty variant stands for the architecture's default one, as containerd normalizes it.
std::string normalized_variant(std::string_view architecture, std::string_view variant) {
  if (variant.empty() && architecture == "arm64") return "v8";
  if (variant.empty() && architecture == "arm") return "v7";
  return std::string(variant);
}

bool matches(const Platform& p, std::string_view os, std::string_view architecture, std::string_view variant) {
  if (p.os != os || p.architecture != architecture) return false;
  // amd64 variants (v2, v3, ...) are micro-architecture levels: any of them is a match.
  if (variant.empty() || architecture == "amd64") return true;
  return normalized_variant(architecture, p.variant) == normalized_variant(architecture, variant);
}

json descriptor_json(const Descriptor& d) {
  json out = json::object();
  out["mediaType"] = d.media_type;
  out["digest"] = d.digest;
  out["size"] = d.size;
  if (d.platform) {
    json p = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
    if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
    out["platform"] = std::move(p);
  }
  if (!d.annotations.empty()) out["annotations"] = d.annotations;
  return out;
}

}  // namespace

bool is_index_media_type(std::string_view media_type) {
  return media_type == media_type::kOciIndex || media_type == media_type::kDockerManifestList;
}

Manifest parse_manifest(std::string_view json_text, std::string_view content_type) {
  json doc = parse_object(json_text, "manifest");
  check_schema_version(doc, "manifest");
  Manifest m;
  m.media_type = manifest_media_type(doc, content_type);
  auto config = doc.find("config");
  if (config == doc.end() || config->is_null()) throw invalid("manifest", "no config descriptor");
  m.config = parse_descriptor(*config, "manifest", "config");
  m.layers = parse_descriptor_list(doc, "layers", "manifest");
  return m;
}

Index parse_index(std::string_view json_text) {
  json doc = parse_object(json_text, "index");
  check_schema_version(doc, "index");
  Index index;
  index.media_type = index_media_type(doc);
  index.manifests = parse_descriptor_list(doc, "manifests", "index");
  return index;
}

Descriptor select_platform(const Index& index, std::string_view os, std::string_view architecture,
                           std::string_view variant) {
  // The baseline variant wins over other matches: linux/amd64 before linux/amd64/v3 (a
  // micro-architecture level this CPU might lack), linux/arm64 or arm64/v8 before arm64/v9.
  std::string baseline = normalized_variant(architecture, architecture == "amd64" ? "" : variant);
  const Descriptor* found = nullptr;
  for (const auto& d : index.manifests) {
    if (is_attestation(d) || !d.platform || !matches(*d.platform, os, architecture, variant)) continue;
    if (normalized_variant(architecture, d.platform->variant) == baseline) return d;
    if (found == nullptr) found = &d;
  }
  if (found != nullptr) return *found;
  std::string wanted = std::string(os) + "/" + std::string(architecture);
  if (!variant.empty()) wanted += "/" + std::string(variant);
  throw Error("no matching manifest for " + wanted + " in the manifest list entries");
}

std::string serialize_manifest(const Manifest& manifest) {
  // nlohmann's json sorts keys: the same manifest always gives the same bytes.
  json doc = json::object();
  doc["schemaVersion"] = 2;
  doc["mediaType"] = manifest.media_type;
  doc["config"] = descriptor_json(manifest.config);
  json layers = json::array();
  for (const auto& layer : manifest.layers) layers.push_back(descriptor_json(layer));
  doc["layers"] = std::move(layers);
  return doc.dump();
}

}  // namespace stack::engine::image
