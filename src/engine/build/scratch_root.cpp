#include "engine/build/scratch_root.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "engine/image/layer_diff.hpp"
#include "engine/image/scratch_files.hpp"
#include "engine/runtime/overlay.hpp"

namespace stack::engine::build {

ScratchRoot::ScratchRoot(const image::ImageStore& store, const std::vector<std::string>& lower_dirs)
    : store_(store),
      dir_(image::scratch_path(store, "build")) {
  std::filesystem::create_directories(dir_ + "/upper");
  std::filesystem::create_directories(dir_ + "/work");
  if (lower_dirs.empty()) {
    root_ = UniqueFd(::open((dir_ + "/upper").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_) throw syscall_error("open " + dir_ + "/upper");
    return;
  }
  runtime::Root root;
  root.lower_dirs = lower_dirs;
  root.upper_dir = dir_ + "/upper";
  root.work_dir = dir_ + "/work";
  root_ = runtime::overlay_detached(root, "mount the build's overlay");
  if (!root_) throw Error("building images needs overlay's \"lowerdir+\" (Linux 6.8 or later)");
}

ScratchRoot::~ScratchRoot() {
  root_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::optional<image::LayerRecord> ScratchRoot::commit() {
  root_.reset();  // the last reference to the detached mount: it is gone, its upper dir stays
  return image::commit_diff(store_, dir_ + "/upper");
}

}  // namespace stack::engine::build
