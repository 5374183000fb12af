// A writable view of an image state for COPY, ADD and WORKDIR: an overlay of its layers
// with a fresh upper directory (in the store's tmp/), mounted detached (no mount point,
// nothing to unmount after a crash). What is written through fd() lands in the upper
// directory, which commit() turns into the step's layer. Also serves as the read-only
// view of another stage or image for COPY --from (then nothing is committed).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"
#include "engine/image/store.hpp"

namespace stack::engine::build {

class ScratchRoot {
 public:
  // `lower_dirs` topmost first; none (FROM scratch) gives a plain empty directory.
  ScratchRoot(const image::ImageStore& store, const std::vector<std::string>& lower_dirs);
  ~ScratchRoot();
  ScratchRoot(const ScratchRoot&) = delete;
  ScratchRoot& operator=(const ScratchRoot&) = delete;

  int fd() const { return root_.get(); }
  // Lets go of the mount and commits the changes; nullopt when there were none.
  std::optional<image::LayerRecord> commit();

 private:
  const image::ImageStore& store_;
  std::string dir_;  // tmp/<name>: upper/ and work/
  UniqueFd root_;
};

}  // namespace stack::engine::build
