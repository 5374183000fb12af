// Registration of each command family (one file each).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/global_options.hpp"

namespace stack::cli {

// Each adds its subcommand to `app`; the callback runs the command and sets `exit_code`.
void add_config_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_version_command(CLI::App& app, int& exit_code);

}  // namespace stack::cli
