// `stack exec|wait|pull|push`: a command in a service's container, waiting for the
// project's containers to end, and moving the services' images from and to registries.
#include <unistd.h>

#include <cctype>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/compose_session.hpp"
#include "cli/container_flags.hpp"
#include "orchestrator/images.hpp"
#include "orchestrator/observe.hpp"
#include "orchestrator/operations.hpp"

namespace stack::cli {
namespace {

struct ExecCli {
  engine::ExecOptions exec;
  bool no_tty = false;
  int index = 1;
  std::string service;
};

void add_exec(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<ExecCli>();
  auto* cmd = app.add_subcommand("exec", "Execute a command in a running container");
  cmd->add_flag("-d,--detach", o->exec.detach, "Detached mode: Run command in the background");
  add_list_option(*cmd, "-e,--env", o->exec.env, "Set environment variables");
  cmd->add_option("--index", o->index, "Index of the container if service has multiple replicas");
  cmd->add_flag("-T,--no-TTY", o->no_tty, "Disable pseudo-TTY allocation. By default `exec` allocates a TTY.");
  cmd->add_flag("--privileged", o->exec.privileged, "Give extended privileges to the process");
  cmd->add_option("-u,--user", o->exec.user, "Run the command as this user");
  cmd->add_option("-w,--workdir", o->exec.workdir, "Path to workdir directory for this command");
  cmd->add_option("service", o->service, "Service")->required();
  // Everything after the service is the command, options included (`exec web ls -l`).
  cmd->fallthrough(false);
  cmd->prefix_command();
  cmd->callback([&g, &exit_code, o, cmd] {
    o->exec.args = cmd->remaining();
    if (o->exec.args.empty()) throw Error("\"stack exec\" requires at least 2 arguments: SERVICE COMMAND [ARGS...]");
    ComposeSession s(g, {o->service});
    for (const auto& c : orchestrator::project_containers(s.context(), s.project(), {o->service})) {
      if (c.number != o->index) continue;
      if (c.status != engine::Status::Running) throw Error("container " + c.name + " is not running");
      o->exec.tty = !o->no_tty && !o->exec.detach && ::isatty(0) && ::isatty(1);
      o->exec.interactive = !o->exec.detach;
      exit_code = s.containers().exec(c.id, o->exec);
      return;
    }
    throw Error("service \"" + o->service + "\" is not running");
  });
}

void add_wait(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto services = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("wait", "Block until containers of all (or specified) services stop.");
  cmd->add_option("services", *services, "Services");
  cmd->callback([&g, &exit_code, services] {
    ComposeSession s(g, *services, true);
    exit_code = 0;
    bool first = true;
    for (const auto& c : orchestrator::project_containers(s.context(), s.project(), *services)) {
      const int code = s.containers().wait(c.id);
      fmt::print("{}\n", code);
      if (first) exit_code = code;
      first = false;
    }
  });
}

// What `stack pull` and `stack push` take.
struct TransferCli {
  bool ignore_failures = false;
  bool quiet = false;
  std::vector<std::string> services;
};

using TransferImages = void (*)(orchestrator::Context&, const compose::Project&, const std::vector<std::string>&, bool);

// `verb` "pull" or "push": the command, its flags' names and their help say it.
void add_transfer(CLI::App& app, const GlobalOptions& g, int& exit_code, const std::string& verb, const char* about,
                  TransferImages transfer) {
  auto o = std::make_shared<TransferCli>();
  auto* cmd = app.add_subcommand(verb, about);
  const std::string Verb = static_cast<char>(std::toupper(verb[0])) + verb.substr(1);
  cmd->add_flag("--ignore-" + verb + "-failures", o->ignore_failures,
                Verb + " what it can and ignores images with " + verb + " failures");
  cmd->add_flag("-q,--quiet", o->quiet, Verb + " without printing progress information");
  cmd->add_option("services", o->services, "Services");
  cmd->callback([&g, &exit_code, o, transfer] {
    GlobalOptions options = g;
    if (o->quiet) options.progress = "quiet";
    ComposeSession s(options, o->services);
    std::vector<std::string> names = o->services;
    if (names.empty())
      for (const auto& [service, svc] : s.project().services) names.push_back(service);
    transfer(s.context(), s.project(), names, o->ignore_failures);
    exit_code = 0;
  });
}

}  // namespace

void add_compose_exec_commands(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  add_exec(app, g, exit_code);
  add_wait(app, g, exit_code);
  add_transfer(app, g, exit_code, "pull", "Pull service images", orchestrator::pull_images);
  add_transfer(app, g, exit_code, "push", "Push service images", orchestrator::push_images);
}

}  // namespace stack::cli
