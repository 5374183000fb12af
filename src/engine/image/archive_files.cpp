#include "engine/image/archive_files.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>

#include <memory>
#include <vector>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/digest.hpp"

namespace stack::engine::image {
namespace {

constexpr size_t kChunk = 256 * 1024;
constexpr int kMaxAliasHops = 16;

bool is_hex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string in_quotes(std::string_view name) { return "\"" + std::string(name) + "\""; }

struct ReaderDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using Reader = std::unique_ptr<struct archive, ReaderDeleter>;

Reader open_reader(int in_fd) {
  Reader reader(archive_read_new());
  if (!reader) throw Error("cannot read the image archive: out of memory");
  // Only these: the static libarchive is built without the other formats (see CMakeLists).
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_filter_zstd(reader.get());
  archive_read_support_filter_none(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_fd(reader.get(), in_fd, kChunk) != ARCHIVE_OK) {
    throw Error(std::string("cannot read the image archive: ") + archive_error_string(reader.get()));
  }
  return reader;
}

// Where a symlink `name` -> `target` leads, as an archive name, resolved without the
// file system: the archive is not extracted anywhere links could be followed.
std::string resolve_link(const std::string& name, const std::string& target) {
  const std::string what = "archive entry " + in_quotes(name);
  if (target.empty() || target.front() == '/') {
    throw Error(what + ": symlink to " + in_quotes(target) + " leads outside the archive");
  }
  std::vector<std::string> parts;
  const size_t slash = name.rfind('/');
  std::string path = (slash == std::string::npos ? "" : name.substr(0, slash + 1)) + target;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) throw Error(what + ": symlink to " + in_quotes(target) + " leads outside the archive");
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

// Copies the current entry's data to `path`, hashing it.
ArchiveFile copy_entry(struct archive* reader, const std::string& name, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) throw syscall_error("create " + path);
  Sha256 hash;
  std::vector<char> buf(kChunk);
  int64_t size = 0;
  for (;;) {
    const la_ssize_t n = archive_read_data(reader, buf.data(), buf.size());
    if (n < 0) throw Error("archive entry " + in_quotes(name) + ": " + archive_error_string(reader));
    if (n == 0) break;
    const std::string_view chunk(buf.data(), static_cast<size_t>(n));
    hash.update(chunk);
    if (!base::write_all(fd.get(), chunk)) throw syscall_error("write " + path);
    size += n;
  }
  return ArchiveFile{path, hash.digest(), size};
}

}  // namespace

std::string normalize_archive_name(std::string_view name, std::string_view what) {
  if (name.starts_with("/")) throw Error(std::string(what) + ": absolute names are not allowed in an image archive");
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(start, end - start);
    if (part == "..") throw Error(std::string(what) + ": names with \"..\" are not allowed in an image archive");
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + std::string(part);
    start = end + 1;
  }
  return out;
}

bool is_image_archive_name(std::string_view name) {
  if (name == "manifest.json" || name == "index.json" || name == "oci-layout" || name == "repositories") return true;
  if (name.starts_with("blobs/sha256/")) return is_hex64(name.substr(13));
  if (name.size() == 64 + 5 && name.ends_with(".json")) return is_hex64(name.substr(0, 64));
  if (name.size() > 65 && name[64] == '/') {
    const std::string_view file = name.substr(65);
    return is_hex64(name.substr(0, 64)) && (file == "layer.tar" || file == "json" || file == "VERSION");
  }
  return false;
}

const ArchiveFile* ArchiveFiles::find(const std::string& name) const {
  std::string current = name;
  for (int hop = 0; hop <= kMaxAliasHops; ++hop) {
    if (auto it = files.find(current); it != files.end()) return &it->second;
    auto alias = aliases.find(current);
    if (alias == aliases.end()) return nullptr;
    current = alias->second;
  }
  return nullptr;  // a loop of links names nothing
}

const ArchiveFile& ArchiveFiles::get(const std::string& name, const std::string& named_by) const {
  if (const ArchiveFile* file = find(name)) return *file;
  throw Error("invalid image archive: " + named_by + " names " + in_quotes(name) + ", which the archive does not hold");
}

std::string ArchiveFiles::read(const std::string& name, const std::string& named_by) const {
  return base::read_file(get(name, named_by).path);
}

ArchiveFiles read_archive_files(int in_fd, const std::string& dir) {
  Reader reader = open_reader(in_fd);
  ArchiveFiles out;
  archive_entry* entry = nullptr;
  for (int count = 0;; ++count) {
    const int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      throw Error(std::string("cannot read the image archive: ") + archive_error_string(reader.get()));
    }
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr) continue;  // a name libarchive cannot convert: not one of ours
    const std::string what = "archive entry " + in_quotes(raw);
    const std::string name = normalize_archive_name(raw, what);
    if (!is_image_archive_name(name)) continue;  // read_next_header skips its data
    if (const char* hardlink = archive_entry_hardlink(entry)) {
      out.files.erase(name);  // the last entry of a name wins, as when extracting
      out.aliases[name] = normalize_archive_name(hardlink, what);
      continue;
    }
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFLNK) {
      out.files.erase(name);
      out.aliases[name] = resolve_link(name, archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "");
    } else if (type == AE_IFREG) {
      ArchiveFile file = copy_entry(reader.get(), name, dir + "/f" + std::to_string(count));
      if (name.starts_with("blobs/sha256/") && file.digest != "sha256:" + name.substr(13)) {
        throw Error(what + ": content does not match its name (its digest is " + file.digest + ")",
                    "the archive is damaged; save it again");
      }
      out.aliases.erase(name);
      out.files[name] = std::move(file);
    }
  }
  return out;
}

}  // namespace stack::engine::image
