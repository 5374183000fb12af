// Pass: interpolation of ${VAR} forms in every scalar value (never in keys).
// Forms: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err},
// ${VAR:+replacement}, ${VAR+replacement}, nested (${A:-${B:-x}}), and $$ for a literal $.
// Unset without default -> "" and a warning
//   The "VAR" variable is not set. Defaulting to a blank string.
// A failed ${VAR:?err} is an error:  <file>:<line>:<col>: <path>: required variable VAR is missing a value: err
// (without ": err" when err is empty). The text of defaults, replacements and errors is itself
// interpolated, only when used. A '$' followed by anything but '$', a name or '{' is kept as is
// (also at the end); a malformed "${...}" (unterminated, empty, bad name, unknown operator) is
//   <file>:<line>:<col>: invalid interpolation format for <path>: "<whole text>"
// with the hint "You may need to escape any $ with another $.".
#pragma once

#include <string>
#include <string_view>

#include "compose/environment.hpp"
#include "compose/node.hpp"

namespace stack::compose {

// Interpolates one string. `mark` and `path` only serve error messages. Warnings for
// unset variables are appended to `warnings` (when not null), once per variable name.
std::string interpolate_string(std::string_view text, const Lookup& lookup, const Mark& mark,
                               std::string_view path, Warnings* warnings);

// Interpolates every scalar value of the tree in place; `path` is the tree path of `root`.
void interpolate_tree(Node& root, const Lookup& lookup, Warnings* warnings, std::string_view path = "");

}  // namespace stack::compose
