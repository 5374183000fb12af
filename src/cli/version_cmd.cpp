#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"

namespace stack::cli {

namespace {
struct VersionOptions {
  std::string format = "pretty";
  bool short_only = false;
};
}  // namespace

void add_version_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("version", "Show the stack version information");
  auto o = std::make_shared<VersionOptions>();
  cmd->add_option("-f,--format", o->format, "Format the output (pretty, json)")->check(CLI::IsMember({"pretty", "json"}));
  cmd->add_flag("--short", o->short_only, "Shows only the version number");
  cmd->callback([o, &exit_code] {
    if (o->short_only) {
      fmt::print("{}\n", STACK_VERSION);
    } else if (o->format == "json") {
      fmt::print("{{\"version\":\"{}\"}}\n", STACK_VERSION);
    } else {
      fmt::print("stack version v{}\n", STACK_VERSION);
    }
    exit_code = 0;
  });
}

}  // namespace stack::cli
