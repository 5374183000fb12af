// The pull half of the registry client: manifests (with mirrors), blobs, login checks.
#include "engine/image/registry_client.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/oci.hpp"
#include "engine/image/registry_client_impl.hpp"
#include "engine/image/registry_response.hpp"

namespace stack::engine::image {
namespace {

std::string accept_manifests() {
  return "Accept: " + std::string(media_type::kOciManifest) + ", " + std::string(media_type::kOciIndex) + ", " +
         std::string(media_type::kDockerManifest) + ", " + std::string(media_type::kDockerManifestList);
}

// The Content-Type without parameters; a generic one defers to the document's mediaType.
std::string manifest_media_type(const HttpResponse& response) {
  std::string type = response.header("Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (!type.empty() && type != "application/json" && type != "text/plain" && type != "application/octet-stream") {
    return type;
  }
  const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string()) return doc["mediaType"];
  return type;
}

uint64_t file_size_or_zero(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
}

std::string describe(const std::string& tag_or_digest) {
  return is_sha256_digest(tag_or_digest) ? "manifest " + tag_or_digest : "tag \"" + tag_or_digest + "\"";
}

}  // namespace

RegistryClient::Impl::Impl(std::string domain_, std::string path_, ClientOptions options_)
    : domain(std::move(domain_)),
      path(std::move(path_)),
      options(std::move(options_)),
      auth(domain, options.credentials) {
  if (options.use_mirrors && domain == "docker.io") endpoints = options.config.mirrors;
  endpoints.push_back(registry_base_url(domain, options.config));
  blob_endpoint_ = endpoints.back();
}

std::string RegistryClient::Impl::blob_endpoint() {
  std::lock_guard lock(mutex_);
  return blob_endpoint_;
}

void RegistryClient::Impl::set_blob_endpoint(const std::string& base) {
  std::lock_guard lock(mutex_);
  blob_endpoint_ = base;
}

RegistryClient::RegistryClient(std::string domain, std::string path, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(domain), std::move(path), std::move(options))) {}

RegistryClient::~RegistryClient() = default;

FetchedManifest RegistryClient::get_manifest(const std::string& tag_or_digest) {
  for (size_t i = 0; i < impl_->endpoints.size(); ++i) {
    const std::string& base = impl_->endpoints[i];
    const bool mirror = i + 1 < impl_->endpoints.size();
    HttpRequest request;
    request.url = impl_->url(base, "/manifests/" + tag_or_digest);
    request.headers.push_back(accept_manifests());
    HttpResponse response;
    try {
      response = impl_->auth.send(request, impl_->pull_scopes());
    } catch (const Error&) {
      if (mirror) continue;  // unreachable or refusing: the next mirror, then the registry
      throw;
    }
    if (response.status != 200 && mirror) continue;
    if (response.status == 404) {
      throw Error(impl_->name() + ": manifest unknown: " + describe(tag_or_digest) + " not found");
    }
    if (response.status != 200) throw_registry_error(impl_->name() + ": " + describe(tag_or_digest), response);
    FetchedManifest manifest{manifest_media_type(response), sha256_digest(response.body), std::move(response.body)};
    if (is_sha256_digest(tag_or_digest) && manifest.digest != tag_or_digest) {
      throw Error(impl_->name() + ": manifest " + tag_or_digest + ": digest mismatch (the registry sent " +
                  manifest.digest + ")");
    }
    impl_->set_blob_endpoint(base);
    return manifest;
  }
  throw Error(impl_->name() + ": no endpoint to ask");  // endpoints always ends with the registry
}

void RegistryClient::get_blob(const std::string& digest, const std::string& path, const ProgressFn& progress) {
  digest_hex(digest);  // rejects a malformed digest before it becomes part of a URL
  const std::string what = impl_->name() + ": blob " + digest;
  HttpRequest request;
  request.url = impl_->url(impl_->blob_endpoint(), "/blobs/" + digest);
  request.output_file = path;
  request.follow_redirects = true;  // registries hand blobs to their storage (S3, a CDN)
  request.progress = progress;
  for (int attempt = 0; attempt < 2; ++attempt) {
    request.resume_from = file_size_or_zero(path);
    HttpResponse response;
    try {
      response = impl_->auth.send(request, impl_->pull_scopes());
    } catch (const TransportError& e) {
      if (e.partial_body() && attempt == 0) continue;  // resume what arrived
      throw e.wrap(what);
    }
    // 416: the file already holds the whole blob (or more): the digest check decides.
    if (response.status == 404) throw Error(what + " not found");
    if (response.status / 100 != 2 && response.status != 416) throw_registry_error(what, response);
    if (sha256_file_digest(path) == digest) return;
    std::filesystem::remove(path);  // wrong bytes: the retry starts from scratch
  }
  std::filesystem::remove(path);
  throw Error(what + ": digest mismatch");
}

bool RegistryClient::has_blob(const std::string& digest) {
  digest_hex(digest);
  HttpRequest request;
  request.method = "HEAD";
  request.url = impl_->url(impl_->blob_endpoint(), "/blobs/" + digest);
  request.follow_redirects = true;
  HttpResponse response = impl_->auth.send(request, impl_->pull_scopes());
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  throw_registry_error(impl_->name() + ": blob " + digest, response);
}

void RegistryClient::check_login() {
  HttpRequest request;
  request.url = impl_->endpoints.back() + "/v2/";
  HttpResponse response = impl_->auth.send(request, {});
  if (response.status != 200) throw_registry_error("login to " + impl_->domain, response);
}

}  // namespace stack::engine::image
