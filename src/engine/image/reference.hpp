// Image references, normalized exactly as docker does (distribution/reference):
//   nginx                      -> docker.io/library/nginx:latest
//   user/app:1                 -> docker.io/user/app:1
//   localhost:5000/app         -> localhost:5000/app:latest   (a first component with a '.'
//                                 or a ':' or equal to "localhost" is a registry host)
//   app@sha256:<hex>           -> docker.io/library/app@sha256:<hex>  (no tag added)
//   app:1@sha256:<hex>         -> both kept
// Names are lowercase; "Nginx" is an error ("invalid reference format: repository name
// (library/Nginx) must be lowercase"), as in docker. "index.docker.io/x" is docker.io too.
// Digests are sha256 only (the store's algorithm). A 64-hex-digit string alone is an image id, not a
// name: callers look ids up first (see looks_like_image_id).
#pragma once

#include <string>
#include <string_view>

namespace stack::engine::image {

struct Reference {
  std::string domain;  // "docker.io", "localhost:5000", "registry.example.com"
  std::string path;    // "library/nginx", "user/app"
  std::string tag;     // "latest" when neither a tag nor a digest was given; "" with a digest only
  std::string digest;  // "sha256:<hex>" or ""

  // "docker.io/library/nginx"
  std::string repository() const;
  // "docker.io/library/nginx:latest", with "@digest" when there is one.
  std::string string() const;
  // What docker prints: "nginx:latest", "user/app:1", "localhost:5000/app:latest"
  // (docker.io/ and library/ dropped).
  std::string familiar() const;
  // "nginx", "user/app", "localhost:5000/app".
  std::string familiar_name() const;

  bool operator==(const Reference&) const = default;
};

// Parses and normalizes; throws stack::Error "invalid reference format: <what is wrong>"
// naming the bad part and the text, with a hint on the grammar where one helps.
Reference parse_reference(std::string_view text);

// True for 64 lowercase hex digits, with or without "sha256:", and for a prefix of at
// least 1 hex digit when `allow_prefix` (for `image rm 3f2a`).
bool looks_like_image_id(std::string_view text, bool allow_prefix = false);

}  // namespace stack::engine::image
