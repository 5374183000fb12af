#include "engine/init_layer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"
#include "engine/layout.hpp"

namespace stack::engine {
namespace {

constexpr const char* kFiles[] = {"etc/hosts", "etc/hostname", "etc/resolv.conf"};

void fill(const std::string& dir) {
  // mkdtemp made it 0700: the layer's root shows as the container's / where no layer above
  // has one (a read-only root).
  if (::chmod(dir.c_str(), 0755) != 0) throw syscall_error("chmod " + dir);
  if (::mkdir((dir + "/etc").c_str(), 0755) != 0) throw syscall_error("mkdir " + dir + "/etc");
  for (const char* file : kFiles) {
    const std::string path = dir + "/" + file;
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) throw syscall_error("create " + path);
  }
}

}  // namespace

std::string ensure_init_layer(const Layout& layout) {
  const std::string dir = layout.init_layer_dir();
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return dir;
  const std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) throw Error("create " + parent.string() + ": " + ec.message());
  std::string temp = (parent / ".init-layer.XXXXXX").string();
  if (!::mkdtemp(temp.data())) throw syscall_error("create a temporary directory in " + parent.string());
  try {
    fill(temp);
  } catch (...) {
    std::filesystem::remove_all(temp, ec);
    throw;
  }
  if (::rename(temp.c_str(), dir.c_str()) != 0) {
    const int err = errno;
    std::filesystem::remove_all(temp, ec);
    // Another command made it meanwhile: theirs is as good.
    if (err != EEXIST && err != ENOTEMPTY) throw syscall_error("rename " + temp + " to " + dir, err);
  }
  return dir;
}

}  // namespace stack::engine
