#include "cli/global_options.hpp"

#include <unistd.h>

#include <filesystem>
#include <set>

#include <spdlog/spdlog.h>

extern char** environ;

namespace stack::cli {

void add_global_options(CLI::App& app, GlobalOptions& o) {
  app.add_option("-f,--file", o.files, "Compose configuration files")->type_name("FILE");
  app.add_option("-p,--project-name", o.project_name, "Project name")->type_name("NAME");
  app.add_option("--project-directory", o.project_directory,
                 "Alternate working directory (default: the directory of the first compose file)")
      ->type_name("DIR");
  app.add_option("--profile", o.profiles, "Specify a profile to enable")->type_name("PROFILE");
  app.add_option("--env-file", o.env_files, "Specify an alternate environment file")->type_name("FILE");
  app.add_option("--log-level", o.log_level, "Set the logging level (debug, info, warn, error)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_option("--ansi", o.ansi, "Control when to print ANSI control characters (never, always, auto)")
      ->check(CLI::IsMember({"never", "always", "auto"}));
  app.add_option("--progress", o.progress, "Set type of progress output (auto, tty, plain, json, quiet)")
      ->check(CLI::IsMember({"auto", "tty", "plain", "json", "quiet"}));
  app.add_option("--root", o.root, "Root of the engine's state (default $STACK_ROOT or /var/lib/stack)")->type_name("DIR");
  app.add_option("--run-root", o.run_root, "Root of the engine's runtime files (default $STACK_RUN_ROOT or /run/stack)")
      ->type_name("DIR");
}

compose::LoadOptions load_options(const GlobalOptions& o) {
  compose::LoadOptions opts;
  opts.files = o.files;
  opts.project_name = o.project_name;
  opts.project_directory = o.project_directory;
  opts.profiles = o.profiles;
  opts.env_files = o.env_files;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) opts.environ.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  opts.working_dir = std::filesystem::current_path().string();
  if (auto it = opts.environ.find("HOME"); it != opts.environ.end()) opts.home = it->second;
  return opts;
}

compose::Project load_project_or_throw(compose::LoadOptions options) {
  compose::LoadResult result = compose::load_project(options);
  std::set<std::string> seen;
  for (const auto& w : result.warnings)
    if (seen.insert(w).second) spdlog::warn("{}", w);
  return std::move(result.project);
}

}  // namespace stack::cli
