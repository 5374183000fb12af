// The stat step of `cp`: what a path is in a filesystem view (fs_view.hpp), for
// plan_copy, and the directory the copy is extracted into.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"
#include "engine/cp/copy_plan.hpp"
#include "engine/cp/fs_view.hpp"

namespace stack::engine::cp {

// The source at `path`; its last symlink followed only with `follow_link` (or when the
// path is spelled as a directory). Nothing when there is no such file.
std::optional<SourceInfo> find_source(const FsView& view, const std::string& path, bool follow_link,
                                      const std::string& shown);

// The destination at `path`, a symlink at its end followed (as docker follows it).
DestInfo inspect_destination(const FsView& view, const std::string& path, const std::string& shown);

// The directory that receives the copy: the destination, or its parent.
std::vector<std::string> extract_components(const DestInfo& destination, const CopyPlan& plan);

// The directory at `components` as an O_PATH fd. With `for_writing`, a read-only root
// or mount is refused as docker refuses it. Throws stack::Error naming `shown`.
UniqueFd open_directory(const FsView& view, const std::vector<std::string>& components, bool for_writing,
                        const std::string& shown);

}  // namespace stack::engine::cp
