// content_digest: the cache key of a COPY or ADD. Every field is written with its
// length, so that no two different lists of entries can produce the same byte stream.
#include <unistd.h>

#include <cerrno>

#include "base/syscall_error.hpp"
#include "engine/build/copy.hpp"
#include "engine/build/copy_root.hpp"
#include "engine/build/copy_source.hpp"
#include "engine/image/digest.hpp"

namespace stack::engine::build {

namespace {

void field(image::Sha256& hasher, std::string_view value) {
  hasher.update(std::to_string(value.size()) + ":");
  hasher.update(value);
}

// The file's own digest, so that its data cannot run into the next field.
std::string file_digest(const SourceTree& tree, const SourceEntry& entry) {
  UniqueFd file = tree.open_file(entry.rel);
  image::Sha256 hasher;
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ssize_t got = ::read(file.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw syscall_error("read \"" + join_path(tree.matched(), entry.rel) + "\"");
    if (got == 0) break;
    hasher.update(buffer.data(), static_cast<size_t>(got));
  }
  return hasher.digest();
}

void hash_entry(image::Sha256& hasher, const SourceTree& tree, const SourceEntry& entry) {
  const mode_t mode = entry.st.st_mode;
  field(hasher, join_path(tree.matched(), entry.rel));
  field(hasher, std::to_string(mode));  // type and permission bits
  if (S_ISREG(mode)) {
    field(hasher, file_digest(tree, entry));
  } else if (S_ISLNK(mode)) {
    field(hasher, tree.read_link(entry.rel));
  } else if (S_ISCHR(mode) || S_ISBLK(mode)) {
    field(hasher, std::to_string(entry.st.st_rdev));
  }
}

}  // namespace

std::string content_digest(int src_root_fd, const std::vector<std::string>& matched, const IgnoreRules& ignore) {
  image::Sha256 hasher;
  for (const std::string& source : matched) {
    const SourceTree tree(src_root_fd, source, ignore);
    field(hasher, "source");
    for (const SourceEntry& entry : tree.entries()) hash_entry(hasher, tree, entry);
  }
  return hasher.digest();
}

}  // namespace stack::engine::build
