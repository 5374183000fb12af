// One HTTP exchange over libcurl (curl_api.hpp), in the shape the registry client needs:
// bodies from memory or from a range of a file, responses into memory or into a file
// (resuming a partial download with Range), every response header, manual redirects that
// never carry the Authorization header to another origin.
//
// Timeouts: 30 s to connect; a transfer that makes no progress for 60 s is aborted (no
// overall limit: a layer of gigabytes may take long, as long as it moves).
//
// Thread-safe: each thread uses its own curl handle (kept for connection reuse).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.hpp"

namespace stack::engine::image {

struct HttpRequest {
  std::string method = "GET";        // GET, HEAD, PUT, POST, PATCH, DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"

  // The body (sent for every method but GET and HEAD): `body`, or when body_file is set
  // the bytes [body_offset, body_offset + body_length) of that file.
  std::string body;
  std::string body_file;
  uint64_t body_offset = 0;
  uint64_t body_length = 0;

  // The body of a 2xx response goes into `output_file` when set (else into memory).
  // With resume_from > 0 the request asks for "Range: bytes=<resume_from>-": a 206 answer
  // continues the file after its first resume_from bytes; any other 2xx replaces it.
  std::string output_file;
  uint64_t resume_from = 0;

  // Follow up to 5 redirects (3xx with Location). Authorization goes only to the
  // origin of `url`: registries redirect blobs to storage that has its own signed URLs.
  bool follow_redirects = false;

  // Bytes of the body sent (uploads) or of the output so far, and the total when known.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct HttpResponse {
  long status = 0;
  // Headers of the final response, in order, names as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  // The body, except a 2xx body that went into output_file.
  std::string body;
  // The URL that gave this response (differs from the request's after redirects).
  std::string url;
  // True when a 206 continued output_file at resume_from.
  bool resumed = false;

  // The first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // Every header of that name (WWW-Authenticate may come several times).
  std::vector<std::string> header_values(std::string_view name) const;
};

// A request that got no complete HTTP response: the server could not be reached, the
// connection broke, the transfer stalled. `partial_body` when the body was cut short.
class TransportError : public Error {
 public:
  TransportError(std::string message, bool partial_body, std::string hint = {})
      : Error(std::move(message), std::move(hint)), partial_body_(partial_body) {}
  bool partial_body() const { return partial_body_; }

 private:
  bool partial_body_;
};

// Performs `request`. Any HTTP status is a response (the caller judges it); throws
// TransportError as above, and stack::Error when a file cannot be read or written.
HttpResponse http_perform(const HttpRequest& request);

}  // namespace stack::engine::image
