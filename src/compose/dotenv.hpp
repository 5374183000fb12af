// .env files, `--env-file` and services' `env_file:`, with compose's dotenv rules:
// - blank lines and full-line `#` comments are skipped; a UTF-8 BOM and CRLF line ends are accepted;
// - `export KEY=value` is `KEY=value`; `KEY: value` (yaml-ish) is accepted like compose;
// - names hold letters, digits and `_ . - [ ]`; blanks around the name and after `=` are dropped;
// - bare `KEY` inherits from the lookup and is dropped when the lookup has nothing; `KEY=` is "";
// - unquoted values end at the line end or at " #" (a '#' not after a space is text), are trimmed,
//   and get ${VAR} expansion;
// - '...' is literal (only \' is an escape), may span lines;
// - "..." may span lines, has escapes (\n \t \r \\ \" \$ \a \b \f \v \0NNN; other backslashes stay)
//   and ${VAR} expansion (the full interpolation syntax of interpolate.hpp);
// - anything else is an error: a bad character in a name, a name with a space, an unterminated quote.
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
// Expansion of unset variables appends compose's "variable is not set" warning to `warnings`.
std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view content, const std::string& filename,
                                                              const Lookup& lookup, Warnings* warnings = nullptr);

// Reads and parses a dotenv file (errors name the path).
std::vector<std::pair<std::string, std::string>> read_dotenv(const std::string& path, const Lookup& lookup,
                                                             Warnings* warnings = nullptr);

}  // namespace stack::compose
