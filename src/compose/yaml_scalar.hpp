// How a string has to be written in YAML so that a reader gets the same text back.
//
// The YAML emitter (emit.hpp) asks two questions of every scalar:
//   - is it *safe* plain: would a block-context reader (libyaml here, go-yaml in
//     docker compose, PyYAML in users' scripts) read exactly this text back?
//   - does it *resolve as a string* when plain: or would a reader take it for
//     null, a bool or a number? We answer with the union of YAML 1.1 and 1.2
//     rules (yes/no/on/off, 0x1F, 0o17, 010, 1_000, 1:30, .inf, dates...), since
//     compose files are read by both kinds of parsers.
// Strings that fail either test are written double-quoted with escapes.
#pragma once

#include <string>
#include <string_view>

namespace stack::compose {

// True when `text`, written plain, reads back as exactly `text` (whatever its type).
bool yaml_plain_is_safe(std::string_view text);

// True when `text`, written plain, would be read as a string rather than as
// null, a bool, a number or a timestamp.
bool yaml_plain_is_string(std::string_view text);

// `text` as a double-quoted YAML scalar, quotes included. Control characters,
// YAML line breaks (U+0085, U+2028, U+2029) and the BOM are escaped; other bytes,
// bytes that are not UTF-8 become U+FFFD: a YAML stream is Unicode text (libyaml rejects others).
std::string yaml_double_quoted(std::string_view text);

// True when `text` can be written as a literal block scalar (`|` or `|-`) that
// reads back as exactly `text`: it has a line break, ends with at most one,
// every character is printable, no line ends in white space, and the first line
// does not start with white space.
bool yaml_literal_fits(std::string_view text);

}  // namespace stack::compose
