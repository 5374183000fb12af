// Content digests as OCI descriptors and Docker write them: "sha256:" and 64 lowercase
// hex digits. Every blob, layer and image id in the store is named by one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/sha256.hpp"

namespace stack::engine::image {

// Streaming SHA-256 (base/sha256.hpp) whose digest is written "sha256:<hex>"; the
// hasher cannot be fed afterwards.
class Sha256 {
 public:
  void update(const void* data, std::size_t size) { hash_.update(data, size); }
  void update(std::string_view data) { hash_.update(data); }
  std::string digest() { return "sha256:" + hash_.hex(); }

 private:
  base::Sha256 hash_;
};

std::string sha256_digest(std::string_view data);
// The digest of a whole file; throws stack::Error naming the path.
std::string sha256_file_digest(const std::filesystem::path& path);

// True for "sha256:" followed by exactly 64 lowercase hex digits.
bool is_sha256_digest(std::string_view text);
// The 64 hex digits of a valid digest; throws stack::Error ("invalid digest \"x\"").
std::string digest_hex(std::string_view digest);
// The first 12 hex digits, as docker shows image ids and layers ("3f57d9401f8d").
inline std::string short_digest(std::string_view digest) { return digest_hex(digest).substr(0, 12); }

}  // namespace stack::engine::image
