#include "engine/image/layer_diff.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "base/tree_copy.hpp"
#include "base/unique_fd.hpp"
#include "engine/image/layer_unpack.hpp"
#include "engine/image/scratch_files.hpp"
#include "engine/image/tar_writer.hpp"
#include "engine/image/tree_tar.hpp"

namespace stack::engine::image {
namespace {

UniqueFd open_upper(const std::string& upper) {
  UniqueFd dir(::open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw syscall_error("open directory " + upper);
  return dir;
}

}  // namespace

void write_diff_tar(const std::string& upper, int fd) {
  const UniqueFd dir = open_upper(upper);
  TarWriter tar(fd);
  TreeTar(tar, TreeTarOptions{.overlay_whiteouts = true}).add_directory(dir.get(), "");
  tar.finish();
}

std::optional<LayerRecord> commit_diff(const ImageStore& store, const std::string& upper) {
  if (!stack::base::has_entries(open_upper(upper).get())) return std::nullopt;
  ScratchFiles scratch;
  const std::string base = scratch_path(store, "diff");
  scratch.blob = base + ".tar";
  scratch.dir = base + ".d";
  UniqueFd blob(::open(scratch.blob.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!blob) throw syscall_error("create " + scratch.blob);
  write_diff_tar(upper, blob.get());
  if (::lseek(blob.get(), 0, SEEK_SET) != 0) throw syscall_error("seek " + scratch.blob);
  if (::mkdir(scratch.dir.c_str(), 0755) != 0) throw syscall_error("mkdir " + scratch.dir);
  const UnpackedLayer layer = unpack_layer(blob.get(), scratch.dir);
  blob.reset();
  store.commit_blob(scratch.blob, layer.diff_id);
  scratch.blob.clear();
  store.commit_layer(scratch.dir, layer.diff_id);
  scratch.dir.clear();
  return LayerRecord{layer.diff_id, layer.diff_id, std::string(media_type::kOciLayer),
                     static_cast<int64_t>(layer.tar_size), static_cast<int64_t>(layer.content_size)};
}

}  // namespace stack::engine::image
