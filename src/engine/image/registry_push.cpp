// The push half of the registry client: blob uploads (monolithic or chunked, with
// cross-repository mounts) and manifests.
#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/http_url.hpp"
#include "engine/image/registry_client.hpp"
#include "engine/image/registry_client_impl.hpp"
#include "engine/image/registry_response.hpp"

namespace stack::engine::image {
namespace {

// The upload URL a 202 points to, made absolute.
std::string upload_location(const HttpResponse& response, const std::string& context) {
  std::optional<std::string> location = response.header("Location");
  if (!location || location->empty()) throw Error(context + ": the registry did not say where to upload");
  return resolve_location(response.url, *location);
}

void check_digest_header(const HttpResponse& response, const std::string& digest, const std::string& context) {
  std::optional<std::string> sent = response.header("Docker-Content-Digest");
  if (sent && !sent->empty() && *sent != digest) {
    throw Error(context + ": the registry stored digest " + *sent + ", expected " + digest);
  }
}

// PATCHes [0, size) of `file` to the upload at `location` in chunks; returns the
// location to finish the upload at.
std::string upload_chunks(RegistryAuth& auth, const std::vector<std::string>& scopes, std::string location, const std::string& file, uint64_t size,
                          uint64_t chunk_size, const ProgressFn& progress, const std::string& context) {
  for (uint64_t offset = 0; offset < size; offset += chunk_size) {
    HttpRequest request;
    request.method = "PATCH";
    request.url = location;
    request.body_file = file;
    request.body_offset = offset;
    request.body_length = std::min(chunk_size, size - offset);
    request.headers = {"Content-Type: application/octet-stream",
                       "Content-Range: " + std::to_string(offset) + "-" +
                           std::to_string(offset + request.body_length - 1)};
    if (progress) request.progress = [&](uint64_t done, uint64_t) { progress(offset + done, size); };
    HttpResponse response = auth.send(request, scopes);
    if (response.status != 202) throw_registry_error(context + ": upload of bytes " + std::to_string(offset), response);
    location = upload_location(response, context);
  }
  return location;
}

// Abandons an upload session after a failure (best effort: the registry expires it anyway).
void cancel_upload(RegistryAuth& auth, const std::vector<std::string>& scopes, const std::string& location) {
  try {
    HttpRequest request;
    request.method = "DELETE";
    request.url = location;
    auth.send(request, scopes);
  } catch (const Error&) {
  }
}

}  // namespace

void RegistryClient::push_blob(const std::string& digest, const std::string& path, uint64_t size,
                               const std::string& mount_from, const ProgressFn& progress, uint64_t chunk_size) {
  digest_hex(digest);
  const std::string context = impl_->name() + ": push blob " + digest;
  if (has_blob(digest)) {
    if (progress) progress(size, size);
    return;
  }
  std::vector<std::string> scopes = impl_->push_scopes();
  HttpRequest start;
  start.method = "POST";
  start.url = impl_->url(impl_->endpoints.back(), "/blobs/uploads/");
  if (!mount_from.empty()) {
    start.url += "?mount=" + digest + "&from=" + percent_encode(mount_from);
    scopes.push_back("repository:" + mount_from + ":pull");
  }
  HttpResponse started = impl_->auth.send(start, scopes);
  if (started.status == 201 && !mount_from.empty()) {  // mounted: nothing to upload
    if (progress) progress(size, size);
    return;
  }
  if (started.status != 202) throw_registry_error(context, started);
  std::string location = upload_location(started, context);
  try {
    const bool chunked = chunk_size > 0 && size > chunk_size;
    if (chunked) location = upload_chunks(impl_->auth, impl_->push_scopes(), location, path, size, chunk_size, progress, context);
    HttpRequest finish;
    finish.method = "PUT";
    finish.url = append_query(location, "digest=" + digest);
    if (!chunked) {
      finish.headers = {"Content-Type: application/octet-stream"};
      finish.body_file = path;
      finish.body_length = size;
      finish.progress = progress;
    }
    HttpResponse finished = impl_->auth.send(finish, impl_->push_scopes());
    if (finished.status != 201) throw_registry_error(context, finished);
    check_digest_header(finished, digest, context);
  } catch (const Error&) {
    cancel_upload(impl_->auth, impl_->push_scopes(), location);
    throw;
  }
}

std::string RegistryClient::put_manifest(const std::string& tag_or_digest, const std::string& media_type,
                                         const std::string& body) {
  const std::string digest = sha256_digest(body);
  const std::string context = impl_->name() + ": push manifest " + tag_or_digest;
  HttpRequest request;
  request.method = "PUT";
  request.url = impl_->url(impl_->endpoints.back(), "/manifests/" + tag_or_digest);
  request.headers = {"Content-Type: " + media_type};
  request.body = body;
  HttpResponse response = impl_->auth.send(request, impl_->push_scopes());
  if (response.status != 201 && response.status != 200) throw_registry_error(context, response);
  check_digest_header(response, digest, context);
  return digest;
}

}  // namespace stack::engine::image
