// The command families, and which top-level words each one registers. Building the whole
// CLI11 tree of every family is a measurable part of each start (about a quarter of
// `stack version`'s user time), so an invocation builds only the family its command word
// names.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/global_options.hpp"

namespace stack::cli {

// The first argument that is neither a global option of `app` nor an option's value; ""
// when there is none or an argument before it is not a global option (--help, a typo),
// which CLI11 then explains with the whole tree.
std::string command_word(const CLI::App& app, int argc, const char* const* argv);

// Whether a family owns `word`: the top level takes no other positional argument.
bool is_command_word(const std::string& word);

// Adds the family that owns `word`; every family when `word` is "" or no family owns it,
// so that the top-level help and CLI11's errors see every command.
void add_commands(CLI::App& app, const GlobalOptions& global, int& exit_code, const std::string& word);

}  // namespace stack::cli
