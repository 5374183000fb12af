// The compiled-program cache. Reading it is a plain file read: a cache hit touches
// neither libseccomp nor JSON, which is what makes loading a filter cost microseconds.
#include "engine/runtime/seccomp_cache.hpp"

#include <linux/filter.h>
#include <seccomp.h>  // SCMP_VER_* only: the cache key names the libseccomp version

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "base/error.hpp"
#include "base/files.hpp"
#include "engine/runtime/seccomp_profile.hpp"

namespace stack::engine::runtime::seccomp {
namespace {

// The cache key's digest. Not a cryptographic hash on purpose: only the default
// profile is cached, and its text is a function of the capability set alone, so there
// is no adversary to resist; two FNV-1a runs with different offsets give 128 bits, far
// past any accidental collision, without loading a crypto library into every start.
std::string key_digest(const std::string& text) {
  auto fnv1a = [&](uint64_t hash) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
    return hash;
  };
  char out[33];
  snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(fnv1a(0xcbf29ce484222325ULL)),
           static_cast<unsigned long long>(fnv1a(0x84222325cbf29ce4ULL)));
  return out;
}

}  // namespace

std::string cache_file(const std::string& cache_dir, const std::string& canonical_text) {
  std::string key = canonical_text + "\nlibseccomp " + std::to_string(SCMP_VER_MAJOR) + "." +
                    std::to_string(SCMP_VER_MINOR) + "." + std::to_string(SCMP_VER_MICRO) + "\narch " +
                    native_go_arch();
  return (std::filesystem::path(cache_dir) / ("seccomp-" + key_digest(key) + ".bpf")).string();
}

std::optional<std::string> read_cached_program(const std::string& path) {
  std::optional<std::string> bytes = base::read_file_if_exists(path);
  if (!bytes || bytes->empty() || bytes->size() % sizeof(sock_filter) != 0) return std::nullopt;
  return bytes;
}

void store_program(const std::string& path, const std::string& bpf) {
  std::filesystem::path target(path);
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) throw Error("create seccomp cache directory " + target.parent_path().string() + ": " + ec.message());
  base::write_file_atomic(target, bpf, 0644, base::Durability::Sync);
}

}  // namespace stack::engine::runtime::seccomp
