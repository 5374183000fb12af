// Serializing a Node tree: YAML the way `docker compose config` prints it, and JSON.
//
// YAML: block style, 2-space indentation, sequences indented under their key,
// "- key: v" for sequences of mappings, `{}` / `[]` for empty collections, `null`
// for null, tags (`!reset`, `!override`) kept. Keys keep the tree's order.
// Scalars:
//   - Style::Plain scalars hold values the encoder wants bare (80, true, 1.5):
//     written as they are, unless plain text would not read back the same (then quoted).
//   - Style::Quoted scalars are strings: written plain when that still reads back as
//     a string, double-quoted when plain would be null/bool/number or not the same
//     text (see yaml_scalar.hpp). Multi-line strings use a literal block (`|`, `|-`)
//     when that reads back exactly, double quotes with escapes otherwise.
//   - Keys are always strings and follow the Quoted rule ("<<" is quoted too).
// The guarantee, tested on tricky strings: parse_yaml(emit_yaml(n)) == n, and every
// Quoted scalar comes back either Quoted or as plain text that reads as a string.
//
// JSON: Plain scalars that are JSON numbers or true/false are written bare,
// every other scalar as a string, Null as null. Strings are escaped by nlohmann::json
// (invalid UTF-8 becomes U+FFFD). `pretty` indents by 2 like `--format json`
// and ends with a newline; compact output is one line without one.
#pragma once

#include <string>

#include "compose/node.hpp"

namespace stack::compose {

std::string emit_yaml(const Node& root);
std::string emit_json(const Node& root, bool pretty = true);

// The interpolated model made loadable again, as compose prints it: every `$` in a scalar
// value doubled (`$$`), so reading the output back does not interpolate what already was.
// Keys are left alone (compose does too).
void escape_dollars(Node& root);

}  // namespace stack::compose
