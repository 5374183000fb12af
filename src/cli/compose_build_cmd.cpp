// `stack build [services]`: builds the images of the project's services that have `build:`.
#include <memory>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "cli/compose_session.hpp"
#include "cli/container_flags.hpp"
#include "orchestrator/service_build.hpp"

namespace stack::cli {

void add_compose_build_command(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  struct BuildCli {
    std::vector<std::string> services, build_args;
    bool no_cache = false, pull = false;
  };
  auto o = std::make_shared<BuildCli>();
  auto* cmd = app.add_subcommand("build", "Build or rebuild services");
  add_list_option(*cmd, "--build-arg", o->build_args, "Set build-time variables for services");
  cmd->add_flag("--no-cache", o->no_cache, "Do not use cache when building the image");
  cmd->add_flag("--pull", o->pull, "Always attempt to pull a newer version of the image");
  cmd->add_option("services", o->services, "Services");
  cmd->callback([&g, &exit_code, o] {
    ComposeSession s(g, o->services);
    for (const std::string& name : o->services) {
      if (!s.project().services.count(name)) throw Error("no such service: " + name);
    }
    orchestrator::ServiceBuildOptions options;
    options.no_cache = o->no_cache;
    options.pull = o->pull;
    options.build_args = resolve_env_map(o->build_args);
    orchestrator::build_services(s.context(), s.project(), o->services, options);
    exit_code = 0;
  });
}

}  // namespace stack::cli
