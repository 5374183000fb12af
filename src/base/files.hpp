// Small file helpers shared by every module.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace stack::base {

// Whole file as a string; throws stack::Error naming the path and errno text.
std::string read_file(const std::filesystem::path& path);

// Whole file, or nullopt when it does not exist (other failures still throw).
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

// Reads standard input to the end.
std::string read_stdin();

// Lexically normal absolute form of `path` resolved against `base` (no symlinks resolved).
std::filesystem::path absolute_from(const std::filesystem::path& base, const std::filesystem::path& path);

}  // namespace stack::base
