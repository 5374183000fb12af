#include "engine/cp/inspect.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/syscall_error.hpp"

namespace stack::engine::cp {
namespace {

// stat of what `components` name (not following a symlink at the end); false when missing.
bool stat_at(const FsView& view, const std::vector<std::string>& components, struct stat& st) {
  UniqueFd fd(try_open(locate(view, components), O_PATH | O_NOFOLLOW));
  if (!fd) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw syscall_error("stat " + shown_path(components));
  }
  if (::fstat(fd.get(), &st) != 0) throw syscall_error("stat " + shown_path(components));
  return true;
}

}  // namespace

std::optional<SourceInfo> find_source(const FsView& view, const std::string& path, bool follow_link,
                                      const std::string& shown) {
  SourceInfo info;
  info.shown = shown;
  info.path = path;
  info.components = resolve_components(view, path, follow_link || asserts_directory(path));
  struct stat st {};
  if (!stat_at(view, info.components, st)) return std::nullopt;
  info.is_dir = S_ISDIR(st.st_mode);
  return info;
}

DestInfo inspect_destination(const FsView& view, const std::string& path, const std::string& shown) {
  DestInfo info;
  info.shown = shown;
  info.path = path;
  info.components = resolve_components(view, path, true);
  struct stat st {};
  info.exists = stat_at(view, info.components, st);
  info.is_dir = info.exists && S_ISDIR(st.st_mode);
  std::vector<std::string> parent = info.components;
  if (!parent.empty()) parent.pop_back();
  info.parent_is_dir = stat_at(view, parent, st) && S_ISDIR(st.st_mode);
  return info;
}

std::vector<std::string> extract_components(const DestInfo& destination, const CopyPlan& plan) {
  std::vector<std::string> dir = destination.components;
  if (!plan.into_destination && !dir.empty()) dir.pop_back();
  return dir;
}

UniqueFd open_directory(const FsView& view, const std::vector<std::string>& components, bool for_writing,
                        const std::string& shown) {
  const Location where = locate(view, components);
  if (for_writing && where.read_only)
    throw Error(where.dir_fd == view.root.get() ? "container rootfs is marked read-only"
                                                 : "mounted volume is marked read-only",
                "cannot copy to \"" + shown + "\"");
  UniqueFd dir(try_open(where, O_PATH | O_DIRECTORY));
  if (!dir) throw syscall_error("open directory \"" + shown + "\"");
  return dir;
}

}  // namespace stack::engine::cp
