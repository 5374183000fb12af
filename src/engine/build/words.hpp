// Variable substitution and word splitting in instruction arguments, as Docker's shell
// lexer does it (moby/buildkit frontend/dockerfile/shell): `$VAR`, `${VAR}`,
// `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`, `${VAR?msg}`,
// single quotes (literal), double quotes (expansion inside, quotes removed), the escape
// character (`\` or the one set by the escape directive) escaping the next character.
// Used for FROM, ARG, ENV, LABEL, COPY, ADD, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL,
// ONBUILD-less instructions where Docker expands; never for RUN, CMD, ENTRYPOINT shell
// forms (the shell expands those).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stack::engine::build {

// The value of a variable, nullopt when it is not set (unset differs from empty for `-`/`+`).
using Lookup = std::function<std::optional<std::string>(std::string_view name)>;

// One word: variables expanded, quotes and escapes removed, whitespace kept. Besides the
// operators above, `${VAR#pat}`, `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}`, `${VAR/pat/r}`
// and `${VAR//pat/r}` (patterns with `*` and `?`) as Docker has them. `$1`, `$@`, `$$` and
// other shell parameters are unset names, as in Docker.
// `${VAR:?msg}` of an unset/empty VAR and malformed syntax ("${A", "${A:x}") throw
// stack::Error ("failed to process \"${A\": syntax error: missing '}'", "failed to process
// \"${VAR:?msg}\": VAR: msg").
std::string expand_word(std::string_view word, const Lookup& lookup, char escape = '\\');

// Splits at unquoted, unescaped whitespace, then expands each word as expand_word does.
// "a 'b c' $X" with X="d e" -> ["a", "b c", "d e"] (an expansion does not split again, as
// Docker's COPY/ADD/VOLUME; Docker's EXPOSE alone re-splits expanded values: the builder can
// split each expanded EXPOSE word at spaces). A word of only quotes ("''") stays, empty.
std::vector<std::string> expand_words(std::string_view text, const Lookup& lookup, char escape = '\\');

// The split alone, as Docker's parser does it before expansion: words at unquoted,
// unescaped whitespace with their quotes and escapes kept ("a 'b c'" -> ["a", "'b c'"]).
std::vector<std::string> split_words(std::string_view text, char escape = '\\');

// Splits ENV/LABEL text into raw (unexpanded) pairs, checking the form as expand_key_values
// does; the parser uses it to report a bad pair with its line.
std::vector<std::pair<std::string, std::string>> split_key_values(std::string_view text, std::string_view keyword,
                                                                  char escape = '\\');

// ENV and LABEL arguments: "K=V K2=\"v 2\"" (each K and V expanded as a word, as Docker
// does), or the legacy single-pair form "K some value" (value is the rest, expanded). A bad
// pair throws, naming `keyword` ("ENV names can not be blank", "ENV must have two arguments",
// "Syntax error - can't find = in \"x\". Must be of the form: name=value").
std::vector<std::pair<std::string, std::string>> expand_key_values(std::string_view text, const Lookup& lookup,
                                                                   char escape = '\\',
                                                                   std::string_view keyword = "ENV");

// ARG arguments: "NAME" or "NAME=default" (name and default expanded, as Docker), several per
// line allowed. nullopt default when none was given; "=x" throws "ARG names can not be blank".
std::vector<std::pair<std::string, std::optional<std::string>>> expand_arg_decls(std::string_view text,
                                                                                const Lookup& lookup,
                                                                                char escape = '\\');

}  // namespace stack::engine::build
