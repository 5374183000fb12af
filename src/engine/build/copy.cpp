// copy_sources: where each matched source goes (Docker's destination rules), then the
// copy itself through CopyWriter, or for ADD the extraction of a local archive.
#include "engine/build/copy.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/error.hpp"
#include "engine/build/copy_extract.hpp"
#include "engine/build/copy_root.hpp"
#include "engine/build/copy_source.hpp"
#include "engine/build/copy_write.hpp"
#include "engine/build/ignore_pattern.hpp"

namespace stack::engine::build {

namespace {

// The destination as a path relative to the root ("" for "/"), cleaned lexically:
// ".." cannot climb above "/" and the rest resolves inside the root anyway.
std::string root_relative(const std::string& dest) {
  std::string cleaned = clean_path("/" + dest);
  return cleaned == "/" ? std::string() : cleaned.substr(1);
}

bool is_directory(int root_fd, const std::string& path) {
  UniqueFd fd(try_open_in_root(root_fd, path, O_PATH | O_DIRECTORY));
  return static_cast<bool>(fd);
}

// ADD of a regular file that reads as a tar: extracted into `dest_dir`.
bool try_extract(const SourceTree& tree, int dst_root_fd, const std::string& dest_dir, const CopyWriter& writer) {
  if (!S_ISREG(tree.top().st_mode)) return false;
  UniqueFd file = tree.open_file("");
  return extract_archive(file.get(), tree.matched(), dst_root_fd, dest_dir, writer.uid(), writer.gid());
}

}  // namespace

void copy_sources(int src_root_fd, const std::vector<std::string>& matched, const IgnoreRules& ignore,
                  int dst_root_fd, const std::string& dest, const CopyOptions& options) {
  const bool ends_in_slash = !dest.empty() && dest.back() == '/';
  if (matched.size() > 1 && !ends_in_slash)
    throw Error("copy to \"" + dest +
                "\": when copying more than one source file, the destination must be a directory and end with a /");
  const std::string target = root_relative(dest);
  const bool into_directory = ends_in_slash || target.empty() || is_directory(dst_root_fd, target);
  CopyWriter writer(dst_root_fd, options);
  for (const std::string& source : matched) {
    const SourceTree tree(src_root_fd, source, ignore);
    if (options.extract_archives && try_extract(tree, dst_root_fd, target, writer)) continue;
    if (S_ISDIR(tree.top().st_mode)) {
      writer.copy_tree(tree, target);
    } else if (into_directory) {
      writer.make_dirs(target);
      writer.copy_tree(tree, join_path(target, base_name(source)));
    } else {
      writer.copy_tree(tree, target);
    }
  }
  writer.finish();
}

}  // namespace stack::engine::build
