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
void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0644);

// Lexically normal absolute form of `path` resolved against `base` (no symlinks resolved).
std::filesystem::path absolute_from(const std::filesystem::path& base, const std::filesystem::path& path);

}  // namespace stack::base
