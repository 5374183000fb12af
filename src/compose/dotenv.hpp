// .env files, `--env-file` and services' `env_file:`, with compose's dotenv rules:
// `export` prefix, bare `KEY` inherits from the lookup (and is dropped when unset),
// single quotes literal, double quotes with escapes (\n \t \" \\ ...) and ${} expansion,
// multi-line quoted values, unquoted values with expansion and ` #` comments,
// `KEY=` empty, a UTF-8 BOM, CRLF line ends, `KEY: value` (yaml-ish) accepted like compose.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compose/environment.hpp"

namespace stack::compose {

// Parses dotenv text. Expansion of ${VAR} in a value looks first at variables defined
// earlier in the same file, then at `lookup`. Errors throw stack::Error as
// "<filename>:<line>: <what is wrong>". Order of the result is the file's order;
// a key defined twice keeps the last value (in the position of its first definition).
std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view content, const std::string& filename,
                                                              const Lookup& lookup);

// Reads and parses a dotenv file (errors name the path).
std::vector<std::pair<std::string, std::string>> read_dotenv(const std::string& path, const Lookup& lookup);

}  // namespace stack::compose
