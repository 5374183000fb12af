// The copy itself: the source written as a tar stream (image/tree_tar.hpp) and that
// stream extracted into the destination directory (image/tar_extract.hpp), as docker
// moves every `cp` through a tar. Between two directories the stream goes through a
// pipe: a thread writes it, the calling thread extracts it; no file is staged.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/cp/fs_view.hpp"
#include "engine/image/tar_extract.hpp"
#include "engine/image/tar_writer.hpp"

namespace stack::engine::cp {

// The entry at the resolved `components` of `view` (not followed if a symlink), and all
// beneath it, named `name` ("." for a directory's content as "./...").
void write_source_tar(const FsView& view, const std::vector<std::string>& components, const std::string& name,
                      image::TarWriter& tar);

// Runs `produce` on a writer of a pipe in a thread and extracts the stream into
// `dest_dir_fd`. Returns the bytes of the stream. The source's failure is reported when
// it came first (the extraction then only saw the stream end), else the extraction's.
uint64_t pipe_copy(const std::function<void(image::TarWriter&)>& produce, int dest_dir_fd,
                   const image::ExtractOptions& options);

}  // namespace stack::engine::cp
