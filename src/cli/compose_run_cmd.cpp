// `stack run [OPTIONS] SERVICE [COMMAND] [ARGS...]`: compose's one-off container
// (orchestrator/oneoff.hpp makes it). Attached by default: stdin and, when ours is a
// terminal, a tty (-T: none), and the container's exit code is ours; -d prints its id.
#include <unistd.h>

#include <memory>

#include <fmt/core.h>

#include "base/file_lock.hpp"
#include "cli/commands.hpp"
#include "cli/compose_session.hpp"
#include "cli/container_flags.hpp"
#include "compose/codec_value.hpp"
#include "orchestrator/oneoff.hpp"
#include "orchestrator/project_lock.hpp"

namespace stack::cli {
namespace {

struct RunCli {
  orchestrator::OneoffRequest request;
  std::string entrypoint;
  bool detach = false;
  bool no_tty = false;
};

void add_flags(CLI::App& cmd, RunCli& o) {
  orchestrator::OneoffRequest& r = o.request;
  cmd.add_flag("-d,--detach", o.detach, "Run container in background and print container ID");
  cmd.add_flag("--rm", r.rm, "Automatically remove the container when it exits");
  add_list_option(cmd, "-e,--env", r.env, "Set environment variables");
  add_list_option(cmd, "-l,--label", r.labels, "Add or override a label");
  add_list_option(cmd, "-v,--volume", r.volumes, "Bind mount a volume");
  add_list_option(cmd, "-p,--publish", r.publish, "Publish a container's port(s) to the host");
  cmd.add_option("-u,--user", r.user, "Run as specified username or uid");
  cmd.add_option("-w,--workdir", r.workdir, "Working directory inside the container");
  cmd.add_option("--entrypoint", o.entrypoint, "Override the entrypoint of the image");
  cmd.add_option("--name", r.name, "Assign a name to the container");
  cmd.add_flag("--service-ports", r.service_ports, "Run command with all service's ports enabled and mapped to the host");
  cmd.add_flag("-T,--no-TTY", o.no_tty, "Disable pseudo-TTY allocation (default: auto-detected)");
  cmd.add_flag("--no-deps", r.no_deps, "Don't start linked services");
  cmd.add_option("service", r.service, "Service")->required();
  // Everything after the service is the command, options included (`run web ls -l`).
  cmd.fallthrough(false);
  cmd.prefix_command();
}

int run(const GlobalOptions& g, CLI::App& cmd, RunCli& o) {
  orchestrator::OneoffRequest& r = o.request;
  r.command = cmd.remaining();
  if (cmd.count("--entrypoint")) r.entrypoint = compose::codec::split_shell_words(o.entrypoint);
  r.tty = !o.no_tty && !o.detach && ::isatty(0) && ::isatty(1);
  r.interactive = !o.detach;
  ComposeSession s(g, {r.service});
  orchestrator::MadeContainer made;
  {
    const base::FileLock lock = orchestrator::lock_project(s.containers().layout(), s.project().name);
    made = orchestrator::create_oneoff(s.context(), s.project(), r);
  }
  const orchestrator::ProgressHold hold(s.context().progress);  // the container owns the terminal from here
  if (o.detach) {
    s.containers().start(made.id);
    fmt::print("{}\n", made.id);
    return 0;
  }
  const int code = s.containers().start_attached(made.id, 0, r.tty);
  if (r.rm) {  // its shim removed the container; its network is ours to release
    try {
      s.context().network.release(made.id);
    } catch (const Error& e) {
      s.context().progress.warning("release the network of " + made.name + ": " + e.what());
    }
  }
  return code;
}

}  // namespace

void add_compose_run_command(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<RunCli>();
  auto* cmd = app.add_subcommand("run", "Run a one-off command on a service");
  add_flags(*cmd, *o);
  cmd->callback([&g, &exit_code, o, cmd] { exit_code = run(g, *cmd, *o); });
}

}  // namespace stack::cli
