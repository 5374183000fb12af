// SHA-256, streaming: content digests (engine/image) and the compose config hash.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace stack::base {

// Feed bytes as they come (a download, a decompressed layer), then take the digest once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // 64 lowercase hex digits; the hasher cannot be fed afterwards.
  std::string hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string sha256_hex(std::string_view data);

}  // namespace stack::base
