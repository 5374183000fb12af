// What an import or a build commit makes in the store's tmp/ (a blob file, an unpacked
// directory): removed on the way out unless the caller moved it into the store and
// cleared the name.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <string_view>

#include "engine/image/store.hpp"

namespace stack::engine::image {

// A fresh name in the store's tmp/ ("<tmp>/<kind>-<pid>-<random>"): unique among
// concurrent commands and among the threads of one (parallel builds).
inline std::string scratch_path(const ImageStore& store, std::string_view kind) {
  return store.tmp_dir() + "/" + std::string(kind) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::random_device{}());
}

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
