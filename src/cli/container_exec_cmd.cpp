// `stack container exec`: a command in a running container, on the caller's terminal.
#include <memory>

#include "cli/commands.hpp"
#include "cli/container_flags.hpp"
#include "cli/container_engine.hpp"

namespace stack::cli {

namespace {
struct ExecCli {
  std::string ref;
  engine::ExecOptions options;
};
}  // namespace

void add_container_exec_command(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<ExecCli>();
  auto* cmd = family.add_subcommand("exec", "Execute a command in a running container");
  cmd->add_flag("-d,--detach", o->options.detach, "Detached mode: run command in the background");
  cmd->add_flag("-i,--interactive", o->options.interactive, "Keep STDIN open even if not attached");
  cmd->add_flag("-t,--tty", o->options.tty, "Allocate a pseudo-TTY");
  cmd->add_flag("--privileged", o->options.privileged, "Give extended privileges to the command");
  add_list_option(*cmd, "-e,--env", o->options.env, "Set environment variables")->type_name("KEY=VALUE");
  cmd->add_option("-u,--user", o->options.user, "Username or UID (format: \"<name|uid>[:<group|gid>]\")");
  cmd->add_option("-w,--workdir", o->options.workdir, "Working directory inside the container");
  cmd->add_option("container", o->ref, "Container")->required();
  // Everything after the container is the command, options included (`exec web ls -l`).
  cmd->fallthrough(false);
  cmd->prefix_command();
  cmd->callback([&g, &exit_code, o, cmd] {
    o->options.args = cmd->remaining();
    if (o->options.args.empty()) throw Error("\"stack container exec\" requires a command after the container");
    engine::Containers containers = containers_from(g);
    exit_code = containers.exec(containers.resolve(o->ref), o->options);
  });
}

}  // namespace stack::cli
