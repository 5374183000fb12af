// A client of one repository on a registry, speaking the OCI distribution API
// (https://github.com/opencontainers/distribution-spec) over libcurl.
//
// Auth follows the challenge of a 401: "Bearer realm=...,service=...,scope=..." -> a token
// from the realm (anonymous, or with the credentials as Basic auth), reused for later
// requests of the same scope until it is refused; "Basic realm=..." -> the credentials
// directly. A 401 after the credentials were sent is an error: "unauthorized: authentication
// required for HOST" (with the registry's message when it sends one).
//
// docker.io is reached at registry-1.docker.io. For pulls from docker.io the mirrors of
// the config are tried first, in order; a mirror that cannot be reached or does not have
// the manifest is skipped, and blobs then come from the endpoint that served the manifest.
// Insecure registries (registry_config.hpp) are spoken to over HTTP.
//
// Errors are stack::Error naming the registry, the repository and what failed
// ("localhost:5000/app: manifest unknown: tag \"2\" not found", "cannot reach
// localhost:5001: Connection refused").
//
// Thread-safe: get_blob and push_blob may run from several threads at once (each request
// uses its own curl handle; the token cache is shared under a lock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/image/registry_config.hpp"

namespace stack::engine::image {

struct ClientOptions {
  RegistryConfig config;
  // Looked up once per registry host when a challenge asks for credentials;
  // default: find_credentials.
  std::function<std::optional<Credentials>(std::string_view domain)> credentials;
  bool use_mirrors = true;  // false for push
};

struct FetchedManifest {
  std::string media_type;  // from the Content-Type (or the document's mediaType)
  std::string digest;      // sha256 of body (checked against a requested digest)
  std::string body;
};

// done, total (total 0 when unknown). Called from the downloading thread.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

class RegistryClient {
 public:
  // `domain` and `path` as in Reference ("docker.io", "library/nginx").
  RegistryClient(std::string domain, std::string path, ClientOptions options = {});
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  // GET /v2/<path>/manifests/<tag or digest>, accepting OCI and schema2 manifests and
  // indexes. A digest reference is verified against the body.
  FetchedManifest get_manifest(const std::string& tag_or_digest);

  // Downloads blob `digest` into `path`. When `path` already holds a prefix of the blob
  // (an interrupted earlier pull), only the rest is requested (Range); a server that
  // ignores the range restarts it. The finished file is verified against `digest`; a
  // mismatch is retried once from scratch, then an error ("blob sha256:...: digest
  // mismatch"), and `path` is removed. A body cut short is resumed once (what arrived is
  // kept, and checked with the rest); a second cut leaves the partial file for a later pull.
  // `progress` counts the bytes in `path`, a resumed prefix included.
  void get_blob(const std::string& digest, const std::string& path, const ProgressFn& progress = {});

  // HEAD /v2/<path>/blobs/<digest>.
  bool has_blob(const std::string& digest);

  // Uploads `path` as blob `digest` (size bytes) unless the registry has it. With
  // `mount_from` (another repository path on the same registry that has the blob) a
  // cross-repository mount is tried first. Uploads in one PUT, or in PATCH chunks of
  // `chunk_size` bytes when chunk_size > 0.
  void push_blob(const std::string& digest, const std::string& path, uint64_t size,
                 const std::string& mount_from = {}, const ProgressFn& progress = {}, uint64_t chunk_size = 0);

  // PUT /v2/<path>/manifests/<tag or digest>; returns the manifest's digest.
  std::string put_manifest(const std::string& tag_or_digest, const std::string& media_type,
                           const std::string& body);

  // GET /v2/ with the credentials: throws unless the registry accepts them (for `login`).
  void check_login();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stack::engine::image
