#include "engine/runtime/mount_api.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <string_view>

#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

void configure(int fs, const std::string& key, const std::string* value, const std::string& what) {
  int rc = value ? fsconfig(fs, FSCONFIG_SET_STRING, key.c_str(), value->c_str(), 0)
                 : fsconfig(fs, FSCONFIG_SET_FLAG, key.c_str(), nullptr, 0);
  if (rc != 0) throw syscall_error(what);
}

// Each "key=value" or "key" of a comma-separated option string, in order.
void configure_data(int fs, const std::string& data, const std::string& what) {
  std::string_view rest = data;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string word(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (word.empty()) continue;
    size_t eq = word.find('=');
    if (eq == std::string::npos) {
      configure(fs, word, nullptr, what);
    } else {
      std::string value = word.substr(eq + 1);
      configure(fs, word.substr(0, eq), &value, what);
    }
  }
}

}  // namespace

UniqueFd new_filesystem(const std::string& type, const std::string& source, const std::string& data, uint64_t attrs,
                       const std::string& what) {
  UniqueFd fs(fsopen(type.c_str(), FSOPEN_CLOEXEC));
  if (!fs) throw syscall_error(what);
  if (!source.empty()) configure(fs.get(), "source", &source, what);
  configure_data(fs.get(), data, what);
  if (fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) throw syscall_error(what);
  UniqueFd mnt(fsmount(fs.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(attrs)));
  if (!mnt) throw syscall_error(what);
  return mnt;
}

UniqueFd clone_tree(int dirfd, const std::string& path, bool recursive, const std::string& what) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
                   (path.empty() ? AT_EMPTY_PATH : 0);
  UniqueFd tree(open_tree(dirfd, path.c_str(), flags));
  if (!tree) throw syscall_error(what);
  return tree;
}

void set_mount_attributes(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr, uint64_t propagation,
                          const std::string& what) {
  if (attr_set == 0 && attr_clr == 0 && propagation == 0) return;
  mount_attr attr{};
  attr.attr_set = attr_set;
  attr.attr_clr = attr_clr;
  attr.propagation = propagation;
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (mount_setattr(fd, "", flags, &attr, sizeof attr) != 0) throw syscall_error(what);
}

void attach_mount(const UniqueFd& tree, int dest_fd, const std::string& what) {
  if (move_mount(tree.get(), "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
    throw syscall_error(what);
}

}  // namespace stack::engine::runtime
