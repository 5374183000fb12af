// Small file helpers shared by every module.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace stack::base {

// Whole file as a string; throws stack::Error naming the path and errno text.
std::string read_file(const std::filesystem::path& path);

// Whole file, or nullopt when it does not exist (other failures still throw).
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

// Reads standard input to the end.
std::string read_stdin();

// Replaces `path` with `content` atomically: write a temporary file in the same
// directory, fsync it, rename it over `path`, fsync the directory. Readers see the old
// or the new document, never a partial one, even if the writer is killed.
//
// Durability::Replace skips both fsyncs and keeps only the rename: readers still never
// see a partial document, but a power cut may lose the last writes. For records that
// are reconciled anyway after a reboot (a container's state: no container survives a
// reboot, and `stack` treats an unreadable state as a dead container); each fsync costs
// milliseconds on virtual disks, several times a container's whole start.
enum class Durability { Sync, Replace };
void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0644,
                       Durability durability = Durability::Sync);

// Writes all of `data` to `fd`, retrying short writes and EINTR. False on failure,
// with errno saying why (EIO for a write that made no progress).
bool write_all(int fd, std::string_view data);

// Makes `dir` (and its parents) when missing, and asks ext4 to spread the directories
// made in it over its block groups, as for /home (FS_TOPDIR_FL): for a directory of
// unrelated trees, such as one per container. Piled into one group, the inodes a `down`
// frees slow every allocation of the next `up`: without a journal, ext4 steps over the
// inodes freed in the last half minute one by one (10-20 ms more for 10 containers).
// Best effort: other filesystems refuse or ignore the flag.
void make_spread_dir(const std::filesystem::path& dir);

// Lexically normal absolute form of `path` resolved against `base` (no symlinks resolved).
std::filesystem::path absolute_from(const std::filesystem::path& base, const std::filesystem::path& path);

}  // namespace stack::base
