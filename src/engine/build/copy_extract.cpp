#include "engine/build/copy_extract.hpp"

#include "base/error.hpp"
#include "engine/build/copy_root.hpp"
#include "engine/image/tar_extract.hpp"

namespace stack::engine::build {

bool extract_archive(int archive_fd, const std::string& name, int dst_root_fd, const std::string& dest_dir, uid_t uid,
                     gid_t gid) {
  image::TarExtraction extraction(archive_fd);
  if (!extraction.is_tar()) return false;
  try {
    UniqueFd dest = make_dirs_in_root(dst_root_fd, dest_dir, uid, gid);
    extraction.extract_to(dest.get(), {});
  } catch (const Error& e) {
    throw e.wrap("extract \"" + name + "\" to \"/" + dest_dir + "\"");
  }
  return true;
}

}  // namespace stack::engine::build
