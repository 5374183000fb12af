// match_sources: COPY's source list resolved against the source root, wildcards expanded
// one path component at a time (Go's filepath.Match never lets `*` cross a '/').
#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <memory>

#include "base/strings.hpp"
#include "base/syscall_error.hpp"
#include "engine/build/copy.hpp"
#include "engine/build/copy_root.hpp"
#include "engine/build/ignore.hpp"

namespace stack::engine::build {

namespace {

// The names in directory `path` of the root, sorted as Go's filepath.Glob returns them;
// none for a path that is not a directory.
std::vector<std::string> list_names(int root_fd, const std::string& path) {
  std::vector<std::string> names;
  int fd = try_open_in_root(root_fd, path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return names;
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::fdopendir(fd), &::closedir);
  if (!listing) {
    ::close(fd);
    throw syscall_error("list directory \"" + path + "\"");
  }
  while (dirent* entry = ::readdir(listing.get())) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool exists(int root_fd, const std::string& path, int flags) {
  UniqueFd fd(try_open_in_root(root_fd, path, flags));
  return static_cast<bool>(fd);
}

class Expansion {
 public:
  Expansion(int root_fd, const IgnoreRules& ignore, std::vector<std::string> parts)
      : root_fd_(root_fd), ignore_(ignore), parts_(std::move(parts)) {}

  std::vector<std::string> run() {
    expand(0, "");
    return std::move(found_);
  }

 private:
  void expand(size_t index, const std::string& prefix) {
    if (index == parts_.size()) {
      if (visible(prefix)) found_.push_back(prefix);
      return;
    }
    const std::string& part = parts_[index];
    if (!has_wildcards(part)) return expand(index + 1, join_path(prefix, part));
    const Glob glob(part);
    for (const std::string& name : list_names(root_fd_, prefix))
      if (glob.matches(name)) expand(index + 1, join_path(prefix, name));
  }

  // An excluded directory still exists in the context when an exception may re-include
  // something in it (Docker sends that something with its parents).
  bool visible(const std::string& path) const {
    if (!ignore_.excluded(path)) return exists(root_fd_, path, O_PATH);
    return ignore_.may_include_beneath(path) && exists(root_fd_, path, O_PATH | O_DIRECTORY);
  }

  int root_fd_;
  const IgnoreRules& ignore_;
  std::vector<std::string> parts_;
  std::vector<std::string> found_;
};

}  // namespace

std::vector<std::string> match_sources(int src_root_fd, const std::vector<std::string>& sources,
                                       const IgnoreRules& ignore, std::string_view instruction) {
  std::vector<std::string> matched;
  for (const std::string& source : sources) {
    // Sources are relative to the root whether or not they start with '/'.
    std::string path = clean_path(source);
    if (path.front() == '/') path = path.size() == 1 ? "." : path.substr(1);
    if (path == ".." || path.rfind("../", 0) == 0) throw Error("forbidden path outside the build context: " + source);
    std::vector<std::string> found;
    if (path == ".") {
      found.push_back(path);
    } else {
      try {
        found = Expansion(src_root_fd, ignore, base::split(path, '/')).run();
      } catch (const Error& e) {
        throw e.wrap(std::string(instruction) + " failed: source \"" + source + "\"");
      }
    }
    if (found.empty())
      throw Error(std::string(instruction) +
                  " failed: file not found in build context or excluded by .dockerignore: stat " + source +
                  ": file does not exist");
    matched.insert(matched.end(), found.begin(), found.end());
  }
  return matched;
}

}  // namespace stack::engine::build
