#include "engine/cp/fs_view.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "base/syscall_error.hpp"
#include "engine/image/beneath.hpp"

namespace stack::engine::cp {
namespace {

constexpr int kMaxLinks = 40;  // the kernel's own limit on symlinks in one lookup

bool holds(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  if (outer.size() > inner.size()) return false;
  for (size_t i = 0; i < outer.size(); ++i)
    if (outer[i] != inner[i]) return false;
  return true;
}

// The symlink's target when the resolved components name one, else nothing (a missing
// entry included: the resolution goes on lexically).
std::optional<std::string> link_at(const FsView& view, const std::vector<std::string>& components) {
  UniqueFd fd(try_open(locate(view, components), O_PATH | O_NOFOLLOW));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISLNK(st.st_mode)) return std::nullopt;
  std::string target(4096, '\0');
  const ssize_t n = ::readlinkat(fd.get(), "", target.data(), target.size());
  if (n < 0) throw syscall_error("readlink " + shown_path(components));
  target.resize(static_cast<size_t>(n));
  return target;
}

}  // namespace

std::vector<std::string> path_components(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> resolve_components(const FsView& view, const std::string& path, bool follow_last) {
  std::vector<std::string> pending = path_components(path);  // the rest, in reverse order
  std::reverse(pending.begin(), pending.end());
  std::vector<std::string> done;
  int links = 0;
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    if (name == ".") continue;
    if (name == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(name);
    if (pending.empty() && !follow_last) break;
    const std::optional<std::string> target = link_at(view, done);
    if (!target) continue;
    if (++links > kMaxLinks) throw syscall_error("resolve " + path, ELOOP);
    done.pop_back();
    if (!target->empty() && target->front() == '/') done.clear();
    std::vector<std::string> more = path_components(*target);
    pending.insert(pending.end(), more.rbegin(), more.rend());
  }
  return done;
}

Location locate(const FsView& view, const std::vector<std::string>& components) {
  const MountPoint* best = nullptr;
  for (const MountPoint& m : view.mounts)
    if (holds(m.destination, components) && (!best || m.destination.size() > best->destination.size())) best = &m;
  Location where{view.root.get(), {}, view.root_read_only};
  size_t skip = 0;
  if (best) {
    where = Location{best->dir.get(), best->prefix, best->read_only};
    skip = best->destination.size();
  }
  for (size_t i = skip; i < components.size(); ++i) where.rel += (where.rel.empty() ? "" : "/") + components[i];
  return where;
}

int try_open(const Location& where, int flags) {
  return image::try_openat2(where.dir_fd, where.rel, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

std::string shown_path(const std::vector<std::string>& components) {
  std::string out;
  for (const std::string& c : components) out += "/" + c;
  return out.empty() ? "/" : out;
}

}  // namespace stack::engine::cp
