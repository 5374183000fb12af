#include "engine/build/copy_source.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "base/syscall_error.hpp"
#include "engine/build/copy_root.hpp"
#include "engine/build/ignore.hpp"
#include "engine/image/beneath.hpp"

namespace stack::engine::build {

namespace {

// Beneath the matched directory nothing is a symlink the walk followed, so a lookup
// that would follow one is refused (RESOLVE_NO_SYMLINKS) rather than led elsewhere.
int open_walked(int top_fd, const std::string& rel, int flags) {
  return image::try_openat2(top_fd, rel, flags | O_NOFOLLOW, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

}  // namespace

bool copied_type(mode_t mode) { return !S_ISSOCK(mode); }

SourceTree::SourceTree(int src_root_fd, const std::string& matched, const IgnoreRules& ignore)
    : src_root_fd_(src_root_fd), matched_(matched) {
  const std::string path = matched == "." ? std::string() : matched;
  top_ = open_in_root(src_root_fd, path, O_PATH, "open source");
  SourceEntry top{"", {}};
  if (::fstat(top_.get(), &top.st) != 0) throw syscall_error("stat source \"" + matched + "\"");
  entries_.push_back(top);
  if (!S_ISDIR(top.st.st_mode)) return;
  UniqueFd dir(::openat(top_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw syscall_error("open source \"" + matched + "\"");
  list(dir.release(), "", ignore);
}

std::string SourceTree::context_path(const std::string& rel) const { return join_path(matched_, rel); }

// Takes ownership of dir_fd. An excluded directory is still walked when an exception
// might re-include something in it, and listed only if something was.
void SourceTree::list(int dir_fd, const std::string& rel, const IgnoreRules& ignore) {
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::fdopendir(dir_fd), &::closedir);
  if (!listing) {
    int err = errno;
    ::close(dir_fd);
    throw syscall_error("list directory \"" + context_path(rel) + "\"", err);
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(listing.get())) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    SourceEntry entry{join_path(rel, name), {}};
    if (::fstatat(::dirfd(listing.get()), name.c_str(), &entry.st, AT_SYMLINK_NOFOLLOW) != 0)
      throw syscall_error("stat \"" + context_path(entry.rel) + "\"");
    if (!copied_type(entry.st.st_mode)) continue;
    const std::string in_context = context_path(entry.rel);
    const bool excluded = ignore.excluded(in_context);
    const bool is_dir = S_ISDIR(entry.st.st_mode);
    if (excluded && !(is_dir && ignore.may_include_beneath(in_context))) continue;
    const size_t at = entries_.size();
    if (!excluded) entries_.push_back(entry);
    if (!is_dir) continue;
    int child = ::openat(::dirfd(listing.get()), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0) throw syscall_error("open directory \"" + in_context + "\"");
    list(child, entry.rel, ignore);
    if (excluded && entries_.size() > at) entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(at), entry);
  }
}

UniqueFd SourceTree::open_file(const std::string& rel) const {
  // The matched file itself: reopened by its path, following its symlink as before.
  if (rel.empty()) return open_in_root(src_root_fd_, matched_, O_RDONLY, "open source");
  int fd = open_walked(top_.get(), rel, O_RDONLY);
  if (fd < 0) throw syscall_error("open \"" + context_path(rel) + "\"");
  return UniqueFd(fd);
}

std::string SourceTree::read_link(const std::string& rel) const {
  UniqueFd link(open_walked(top_.get(), rel, O_PATH));
  if (!link) throw syscall_error("open symlink \"" + context_path(rel) + "\"");
  std::string target(4096, '\0');
  ssize_t size = ::readlinkat(link.get(), "", target.data(), target.size());
  if (size < 0) throw syscall_error("read symlink \"" + context_path(rel) + "\"");
  target.resize(static_cast<size_t>(size));
  return target;
}

}  // namespace stack::engine::build
