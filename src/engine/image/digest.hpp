// Content digests as OCI descriptors and Docker write them: "sha256:" and 64 lowercase
// hex digits. Every blob, layer and image id in the store is named by one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace stack::engine::image {

// Streaming SHA-256: feed bytes as they arrive (a download, a decompressed layer),
// then take the digest once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // "sha256:<hex>"; the hasher cannot be fed afterwards.
  std::string digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
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
