// What an import or a build commit makes in the store's tmp/ (a blob file, an unpacked
// directory): removed on the way out unless the caller moved it into the store and
// cleared the name.
#pragma once

#include <filesystem>
#include <string>

namespace stack::engine::image {

struct ScratchFiles {
  std::string blob, dir;
  ScratchFiles() = default;
  ScratchFiles(const ScratchFiles&) = delete;
  ScratchFiles& operator=(const ScratchFiles&) = delete;
  ~ScratchFiles() {
    std::error_code ec;
    if (!blob.empty()) std::filesystem::remove(blob, ec);
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace stack::engine::image
