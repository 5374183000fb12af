// The OCI image documents (image-spec v1.1) and their Docker schema2 twins: descriptors,
// manifests, indexes (manifest lists), and the image config. Parsed from and written to
// JSON; the bytes of a config and of a manifest are what their digests are taken over,
// so callers keep the raw bytes next to the parsed form and never re-serialize a
// document they did not make.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::image {

namespace media_type {
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}  // namespace media_type

struct Platform {
  std::string os, architecture, variant;

  bool operator==(const Platform&) const = default;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::optional<Platform> platform;                // index entries only
  std::map<std::string, std::string> annotations;  // "vnd.docker.reference.type": "attestation-manifest", ...

  bool operator==(const Descriptor&) const = default;
};

struct Manifest {
  std::string media_type;  // kOciManifest or kDockerManifest
  Descriptor config;
  std::vector<Descriptor> layers;

  bool operator==(const Manifest&) const = default;
};

struct Index {
  std::string media_type;  // kOciIndex or kDockerManifestList
  std::vector<Descriptor> manifests;

  bool operator==(const Index&) const = default;
};

// True for the two index media types (a manifest list needs a platform chosen first).
bool is_index_media_type(std::string_view media_type);
// Parses a manifest (OCI or schema2). A schema1 or unknown mediaType is an error saying so.
// When the document has no mediaType field, `media_type` (the Content-Type it came with) decides.
Manifest parse_manifest(std::string_view json, std::string_view media_type = {});
Index parse_index(std::string_view json);
// The manifest for os/arch in an index; attestation manifests (platform os "unknown" or
// the annotation "vnd.docker.reference.type": "attestation-manifest") and entries without
// a platform are skipped. The variant is ignored for amd64 (v2, v3 are CPU levels; the
// entry without one is preferred) and otherwise matched only when given ("" = "v8" on
// arm64, "v7" on arm). Throws stack::Error "no matching manifest for linux/amd64 in the
// manifest list entries" (docker's text).
Descriptor select_platform(const Index& index, std::string_view os = "linux", std::string_view architecture = "amd64",
                           std::string_view variant = {});

// Compact JSON with sorted keys: schemaVersion 2, mediaType, and the config and layer
// descriptors (mediaType, digest, size; annotations only when there are some).
std::string serialize_manifest(const Manifest& manifest);

struct HealthConfig {
  std::vector<std::string> test;  // ["CMD", ...], ["CMD-SHELL", "..."], ["NONE"]
  int64_t interval_ns = 0, timeout_ns = 0, start_period_ns = 0, start_interval_ns = 0;
  int retries = 0;

  bool operator==(const HealthConfig&) const = default;
};

// The "config" object of the image config: what a container made from the image starts with.
struct ContainerDefaults {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "KEY=value"
  std::string working_dir;
  std::string user;
  std::vector<std::string> exposed_ports;  // "80/tcp", sorted
  std::vector<std::string> volumes;        // "/data", sorted
  std::optional<HealthConfig> healthcheck;
  std::string stop_signal;
  std::map<std::string, std::string> labels;
  std::vector<std::string> shell;    // SHELL: the shell form's program, [] for ["/bin/sh", "-c"]
  std::vector<std::string> onbuild;  // ONBUILD triggers, as written ("RUN make")

  bool operator==(const ContainerDefaults&) const = default;
};

struct HistoryEntry {
  std::string created;     // RFC 3339
  std::string created_by;
  std::string comment;
  bool empty_layer = false;

  bool operator==(const HistoryEntry&) const = default;
};

struct ImageConfig {
  std::string architecture = "amd64";  // as the document says: "" when it has none
  std::string os = "linux";
  std::string created;  // RFC 3339, "" when absent
  std::string author;
  ContainerDefaults config;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids, bottom layer first
  std::vector<HistoryEntry> history;

  bool operator==(const ImageConfig&) const = default;
};

// Parses an image config; unknown fields are ignored (the raw bytes keep them), null reads
// as empty, a lone string for Entrypoint/Cmd as a list of one. rootfs (type "layers") is
// required and its diff_ids must be sha256 digests; other errors name the bad field.
ImageConfig parse_image_config(std::string_view json);
// For configs we make ourselves (import, build): compact JSON with Docker's field names and
// sorted keys, empty fields left out, ExposedPorts/Volumes as objects of {}; parsing the
// result gives `config` back (with exposed_ports and volumes sorted).
std::string serialize_image_config(const ImageConfig& config);

}  // namespace stack::engine::image
