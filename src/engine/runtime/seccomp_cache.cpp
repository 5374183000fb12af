// The compiled-program cache. Reading it is a plain open/read: a cache hit touches
// neither libseccomp nor JSON, which is what makes loading a filter cost microseconds.
#include "engine/runtime/seccomp_cache.hpp"

#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>  // SCMP_VER_* only: the cache key names the libseccomp version
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "base/error.hpp"
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

std::string errno_text() { return std::strerror(errno); }

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

void write_all(int fd, const std::string& bytes, const std::string& path) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error("write " + path + ": " + errno_text());
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string cache_file(const std::string& cache_dir, const std::string& canonical_text) {
  std::string key = canonical_text + "\nlibseccomp " + std::to_string(SCMP_VER_MAJOR) + "." +
                    std::to_string(SCMP_VER_MINOR) + "." + std::to_string(SCMP_VER_MICRO) + "\narch " +
                    native_go_arch();
  return (std::filesystem::path(cache_dir) / ("seccomp-" + key_digest(key) + ".bpf")).string();
}

std::optional<std::string> read_cached_program(const std::string& path) {
  Fd file{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error("open seccomp cache " + path + ": " + errno_text());
  }
  struct stat info {};
  if (fstat(file.fd, &info) != 0) throw Error("stat seccomp cache " + path + ": " + errno_text());
  std::string bytes(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = read(file.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error("read seccomp cache " + path + ": " + errno_text());
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0) return std::nullopt;
  return bytes;
}

void store_program(const std::string& path, const std::string& bpf) {
  std::filesystem::path target(path);
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) throw Error("create seccomp cache directory " + target.parent_path().string() + ": " + ec.message());
  std::string temp = path + ".XXXXXX";
  Fd file{mkstemp(temp.data())};
  if (file.fd < 0) throw Error("create " + temp + ": " + errno_text());
  try {
    write_all(file.fd, bpf, temp);
    if (fchmod(file.fd, 0644) != 0) throw Error("chmod " + temp + ": " + errno_text());
    if (fsync(file.fd) != 0) throw Error("fsync " + temp + ": " + errno_text());
    if (rename(temp.c_str(), path.c_str()) != 0) throw Error("rename " + temp + " to " + path + ": " + errno_text());
  } catch (...) {
    unlink(temp.c_str());
    throw;
  }
}

}  // namespace stack::engine::runtime::seccomp
