// `stack container cp`: docker cp between a container (running or not) and the host;
// engine/cp does the copy, this file reads the arguments and prints docker's summary.
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/container_engine.hpp"
#include "cli/container_format.hpp"
#include "cli/copy_flags.hpp"

namespace stack::cli {
namespace {

struct CpCli {
  CopyArguments args;
  bool quiet = false;
};

}  // namespace

void add_container_cp_command(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<CpCli>();
  auto* cmd = family.add_subcommand("cp", "Copy files/folders between a container and the local filesystem");
  cmd->footer(
      "Use '-' as the source to read a tar archive from stdin and extract it to a directory destination in a "
      "container.\nUse '-' as the destination to stream a tar archive of a container source to stdout.");
  add_copy_arguments(*cmd, o->args, "CONTAINER");
  cmd->add_flag("-q,--quiet", o->quiet, "Suppress the summary printed after the copy");
  cmd->callback([&g, &exit_code, o] {
    namespace cp = engine::cp;
    const cp::CopyArgument source = cp::split_copy_argument(o->args.source);
    const cp::CopyArgument destination = cp::split_copy_argument(o->args.destination);
    engine::Containers containers = containers_from(g);
    if (cp::copy_direction(source, destination) == cp::Direction::FromContainer) {
      const cp::CopyResult r = cp::copy_from_container(containers, containers.resolve(source.container), source.path,
                                                       destination.path, o->args.options);
      if (!o->quiet && destination.path != "-")
        fmt::print(stderr, "Successfully copied {} to {}\n", human_size(static_cast<double>(r.bytes)), r.destination);
    } else {
      const cp::CopyResult r = cp::copy_to_container(containers, containers.resolve(destination.container),
                                                     source.path, destination.path, o->args.options);
      if (!o->quiet && source.path != "-")
        fmt::print(stderr, "Successfully copied {} to {}:{}\n", human_size(static_cast<double>(r.bytes)),
                   destination.container, r.destination);
    }
    exit_code = 0;
  });
}

}  // namespace stack::cli
