// The `--name[=value]` flags before an instruction's arguments: taken off the line as
// Docker's parser does, and checked against the flags each instruction accepts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stack::engine::build {

// Moves the leading `--flag` words of `rest` into `flags` (quotes removed, `\` escaping the
// next character) and returns the rest; a lone `--` ends the flags and is dropped.
std::string_view take_flags(std::string_view rest, std::vector<std::string>& flags);

// Throws stack::Error "<KEYWORD>: unknown flag: --x" (or a missing value, a non-boolean
// value for a boolean flag, a repeated flag that may be given once).
void check_flags(const std::string& keyword, const std::vector<std::string>& flags);

// The value of `--name=value` in `flags`, "" when absent.
std::string flag_value(const std::vector<std::string>& flags, std::string_view name);

}  // namespace stack::engine::build
