#include "image/image_fixture.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "base/files.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/layer_unpack.hpp"
#include "engine/image/oci.hpp"
#include "engine/image/tar_writer.hpp"

namespace fs = std::filesystem;
using namespace stack::engine::image;

namespace stack::testing {
namespace {

UniqueFd open_or_throw(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0644));
  if (!fd) throw std::runtime_error("open " + path);
  return fd;
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "stack-image-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_tree_tar(const std::string& path, const std::string& dir) {
  UniqueFd fd = open_or_throw(path, O_WRONLY | O_CREAT | O_TRUNC);
  TarWriter tar(fd.get());
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir)) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());  // parents before children, and a stable layer
  for (const fs::path& p : paths) {
    const std::string rel = p.lexically_relative(dir).string();
    struct stat st{};
    if (::lstat(p.c_str(), &st) != 0) throw std::runtime_error("lstat " + p.string());
    if (S_ISDIR(st.st_mode)) {
      tar.add_directory(rel + "/", st.st_mode & 07777);
    } else if (S_ISLNK(st.st_mode)) {
      tar.add_symlink(rel, fs::read_symlink(p).string());
    } else if (S_ISREG(st.st_mode)) {
      tar.add_file_from(rel, p.string(), st.st_mode & 07777);
    }
  }
  tar.finish();
}

std::vector<ReadEntry> read_tar(const std::string& path) {
  std::unique_ptr<struct archive, int (*)(struct archive*)> reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_filter_none(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_filename(reader.get(), path.c_str(), 65536) != ARCHIVE_OK) {
    throw std::runtime_error("open " + path + ": " + archive_error_string(reader.get()));
  }
  std::vector<ReadEntry> out;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
    ReadEntry e{archive_entry_pathname(entry), static_cast<unsigned>(archive_entry_filetype(entry)), {}, {}};
    if (const char* link = archive_entry_symlink(entry)) e.link = link;
    char buf[65536];
    for (la_ssize_t n; (n = archive_read_data(reader.get(), buf, sizeof buf)) > 0;) e.content.append(buf, n);
    out.push_back(std::move(e));
  }
  return out;
}

ImageRecord add_test_image(const ImageStore& store, const std::vector<std::string>& layer_tars,
                           const std::vector<std::string>& references, const std::string& cmd) {
  ImageRecord record;
  ImageConfig config;
  config.created = "2024-05-01T00:00:00Z";
  config.config.cmd = {cmd};
  Manifest manifest{std::string(media_type::kOciManifest), {}, {}};
  for (const std::string& tar : layer_tars) {
    const std::string dest = store.tmp_dir() + "/unpack";
    fs::create_directory(dest);
    UniqueFd in = open_or_throw(tar, O_RDONLY);
    const UnpackedLayer unpacked = unpack_layer(in.get(), dest);
    const std::string& diff_id = unpacked.diff_id;
    store.commit_layer(dest, diff_id);
    const std::string digest = sha256_file_digest(tar);
    const std::string type(digest == diff_id ? media_type::kOciLayer : media_type::kOciLayerGzip);
    const auto size = static_cast<int64_t>(fs::file_size(tar));
    fs::copy_file(tar, store.tmp_dir() + "/blob", fs::copy_options::overwrite_existing);
    store.commit_blob(store.tmp_dir() + "/blob", digest);
    record.layers.push_back({diff_id, digest, type, size, static_cast<int64_t>(unpacked.content_size)});
    manifest.layers.push_back({type, digest, size, std::nullopt, {}});
    config.diff_ids.push_back(diff_id);
    config.history.push_back({config.created, "layer " + fs::path(tar).filename().string(), "", false});
  }
  const std::string config_json = serialize_image_config(config);
  record.id = store.put_blob(config_json);
  manifest.config = {std::string(media_type::kOciConfig), record.id, static_cast<int64_t>(config_json.size()),
                     std::nullopt, {}};
  record.manifest_digest = store.put_blob(serialize_manifest(manifest));
  record.manifest_media_type = manifest.media_type;
  store.add_image(record, references);
  return record;
}

std::string tree_listing(const std::string& dir) {
  std::map<std::string, std::string> entries;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st{};
    if (::lstat(e.path().c_str(), &st) != 0) throw std::runtime_error("lstat " + e.path().string());
    std::string what = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
    // unpack_layer makes whiteouts (char 0/0) without the entry's time: they carry the
    // time of the unpack, which differs between two unpacks of one layer.
    if (!S_ISCHR(st.st_mode)) what += " " + std::to_string(st.st_mtime);
    if (S_ISCHR(st.st_mode)) what += " dev " + std::to_string(st.st_rdev);
    if (S_ISREG(st.st_mode)) what += " " + sha256_file_digest(e.path());
    if (S_ISLNK(st.st_mode)) what += " -> " + fs::read_symlink(e.path()).string();
    entries[e.path().lexically_relative(dir).string()] = what;
  }
  std::string out;
  for (const auto& [path, what] : entries) out += path + ": " + what + "\n";
  return out;
}

std::vector<std::string> dir_names(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace stack::testing
