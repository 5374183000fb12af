// The stack command line: global options, the command families, and the one place
// errors are printed (once, with their hint) and turned into exit codes.
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "base/error.hpp"
#include "cli/command_families.hpp"
#include "cli/command_line.hpp"
#include "cli/heap.hpp"
#include "engine/container_events.hpp"

namespace {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_st("stack");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level == "warn" ? "warning" : level));
}

}  // namespace

int main(int argc, char** argv) {
  stack::cli::prefer_huge_heap_pages();
  stack::cli::set_command_line(argc, argv);
  CLI::App app{"stack: compose-compatible stacks on one Linux host, with its own container engine", "stack"};
  app.require_subcommand(1);
  app.fallthrough();
  stack::cli::GlobalOptions global;
  stack::cli::add_global_options(app, global);
  int exit_code = 0;
  const std::string word = stack::cli::command_word(app, argc, argv);
  if (!word.empty() && !stack::cli::is_command_word(word)) {
    fmt::print(stderr, "stack: '{}' is not a stack command\nRun 'stack --help' for the list of commands.\n", word);
    return 1;
  }
  stack::cli::add_commands(app, global, exit_code, word);
  app.parse_complete_callback([&] {
    setup_logging(global.log_level);
    stack::engine::set_event_debug_sink([](const std::string& text) { spdlog::debug("{}", text); });
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;
  } catch (const stack::Error& e) {
    fmt::print(stderr, "{}\n", e.what());
    if (!e.hint().empty()) fmt::print(stderr, "hint: {}\n", e.hint());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "internal error: {}\n", e.what());
    return 1;
  }
  return exit_code;
}
