// `stack cp`: docker compose cp between a service's containers and the host. Out of a
// service: the container --index names, else its first; into a service: that one, else
// every replica (as compose). --all counts `run`'s containers too.
#include <memory>

#include "cli/commands.hpp"
#include "cli/compose_session.hpp"
#include "cli/copy_flags.hpp"
#include "orchestrator/operations.hpp"

namespace stack::cli {
namespace {

struct CpCli {
  CopyArguments args;
  int index = 0;
  bool all = false;
};

std::vector<orchestrator::ObservedContainer> targets(ComposeSession& s, const std::string& service, const CpCli& o,
                                                     bool from_service) {
  std::vector<orchestrator::ObservedContainer> found =
      orchestrator::project_containers(s.context(), s.project(), {service}, o.all && o.index == 0);
  if (o.index > 0) {
    for (const auto& c : found)
      if (c.number == o.index && !c.oneoff) return {c};
    throw Error("service \"" + service + "\" is not running container #" + std::to_string(o.index));
  }
  if (found.empty()) throw Error("no container found for service \"" + service + "\"");
  if (from_service) found.resize(1);
  return found;
}

}  // namespace

void add_compose_cp_command(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<CpCli>();
  auto* cmd = app.add_subcommand("cp", "Copy files/folders between a service container and the local filesystem");
  add_copy_arguments(*cmd, o->args, "SERVICE");
  cmd->add_option("--index", o->index, "Index of the container if service has multiple replicas");
  cmd->add_flag("--all", o->all, "Include containers created by the run command");
  cmd->callback([&g, &exit_code, o] {
    namespace cp = engine::cp;
    const cp::CopyArgument source = cp::split_copy_argument(o->args.source);
    const cp::CopyArgument destination = cp::split_copy_argument(o->args.destination);
    const bool from_service = cp::copy_direction(source, destination) == cp::Direction::FromContainer;
    const std::string service = from_service ? source.container : destination.container;
    ComposeSession s(g, {service});
    for (const auto& c : targets(s, service, *o, from_service)) {
      s.context().progress.event("Container", c.name, "Copying");
      if (from_service) {
        cp::copy_from_container(s.containers(), c.id, source.path, destination.path, o->args.options);
      } else {
        cp::copy_to_container(s.containers(), c.id, source.path, destination.path, o->args.options);
      }
      s.context().progress.event("Container", c.name, "Copied");
    }
    exit_code = 0;
  });
}

}  // namespace stack::cli
