// The options every compose command shares (-f, -p, --project-directory, --profile,
// --env-file, ...) and how they become the loader's options.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compose/loader.hpp"

namespace stack::cli {

struct GlobalOptions {
  std::vector<std::string> files;
  std::string project_name;
  std::string project_directory;
  std::vector<std::string> profiles;
  std::vector<std::string> env_files;
  std::string log_level = "warn";
  std::string ansi = "auto";
  std::string progress = "auto";
  std::string root;      // state root (--root, STACK_ROOT, /var/lib/stack)
  std::string run_root;  // run root (--run-root, STACK_RUN_ROOT, /run/stack)
};

void add_global_options(CLI::App& app, GlobalOptions& options);

// Loader options from the global flags, the process environment and the current directory.
compose::LoadOptions load_options(const GlobalOptions& options);

// Loads the project and prints the loader's warnings (once each) on stderr.
compose::Project load_project_or_throw(compose::LoadOptions options);

}  // namespace stack::cli
