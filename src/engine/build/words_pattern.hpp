// The shell patterns of `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}` (words.hpp): `*` any
// text, `?` one character, `\x` the character x; no bracket expressions, as Docker.
#pragma once

#include <string>
#include <string_view>

namespace stack::engine::build {

// `value` without its shortest (longest when `longest`) prefix matching `pattern`; unchanged
// when no prefix matches.
std::string trim_prefix(const std::string& value, std::string_view pattern, bool longest);

// The same for suffixes.
std::string trim_suffix(const std::string& value, std::string_view pattern, bool longest);

// The leftmost longest match of `pattern` replaced by `replacement` (every match when `all`).
std::string replace_pattern(const std::string& value, std::string_view pattern, const std::string& replacement,
                            bool all);

}  // namespace stack::engine::build
