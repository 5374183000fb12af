// Registration of each command family (one file each).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/global_options.hpp"

namespace stack::cli {

// Each adds its subcommand to `app`; the callback runs the command and sets `exit_code`.
void add_config_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_version_command(CLI::App& app, int& exit_code);
// `stack container ...` (container_cmd.cpp), and the parts of the family in their own files.
void add_container_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_container_run_commands(CLI::App& family, const GlobalOptions& global, int& exit_code);   // create, run
void add_container_view_commands(CLI::App& family, const GlobalOptions& global, int& exit_code);  // ls, inspect, top, logs
void add_container_exec_command(CLI::App& family, const GlobalOptions& global, int& exit_code);   // exec
void add_container_cp_command(CLI::App& family, const GlobalOptions& global, int& exit_code);     // cp

// `stack image ...` (image_cmd.cpp) and its import/save/load part (image_io_cmd.cpp).
void add_image_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_image_io_commands(CLI::App& family, const GlobalOptions& global, int& exit_code);  // import, save, load
void add_image_registry_commands(CLI::App& family, const GlobalOptions& global, int& exit_code);  // pull, push
void add_image_build_command(CLI::App& family, const GlobalOptions& global, int& exit_code);      // build
// `stack volume ...` (volume_cmd.cpp).
void add_volume_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
// `stack network ...` (network_cmd.cpp).
void add_network_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
// `stack login|logout` (image_registry_cmd.cpp).
void add_login_commands(CLI::App& app, const GlobalOptions& global, int& exit_code);
// The compose commands, at top level like `docker compose ...` (compose_*_cmd.cpp).
void add_compose_up_commands(CLI::App& app, const GlobalOptions& global, int& exit_code);         // up, create
void add_compose_lifecycle_commands(CLI::App& app, const GlobalOptions& global, int& exit_code);  // down, start, stop, ...
void add_compose_view_commands(CLI::App& app, const GlobalOptions& global, int& exit_code);       // ps, ls, logs, top, images, port
void add_compose_exec_commands(CLI::App& app, const GlobalOptions& global, int& exit_code);       // exec, wait, pull
void add_compose_build_command(CLI::App& app, const GlobalOptions& global, int& exit_code);        // build
void add_compose_run_command(CLI::App& app, const GlobalOptions& global, int& exit_code);          // run
void add_compose_cp_command(CLI::App& app, const GlobalOptions& global, int& exit_code);           // cp
void add_compose_events_command(CLI::App& app, const GlobalOptions& global, int& exit_code);       // events

}  // namespace stack::cli
