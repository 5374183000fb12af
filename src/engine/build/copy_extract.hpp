// ADD's local archives: a source file that reads as a tar (plain, gzip or zstd through
// libarchive's own filters, bzip2 and xz through the host's bzip2/xz programs) is
// extracted into the destination directory instead of copied, as Docker does. Entries
// keep the archive's owners, modes and times (--chown and --chmod do not apply, as with
// Docker). Every entry is resolved beneath the destination directory: a ".." name, an
// absolute symlink or a symlink climbing out cannot put a file outside it.
#pragma once

#include <sys/types.h>

#include <string>

namespace stack::engine::build {

// False, having written nothing, when `archive_fd` is not a tar archive (then the caller
// copies it as a file). `dest_dir` (relative to the root) is made with owner uid:gid
// when it is missing. Throws stack::Error naming the archive and the entry.
bool extract_archive(int archive_fd, const std::string& name, int dst_root_fd, const std::string& dest_dir, uid_t uid,
                     gid_t gid);

}  // namespace stack::engine::build
