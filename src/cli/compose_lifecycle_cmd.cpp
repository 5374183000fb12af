// `stack down|start|stop|restart|kill|pause|unpause|rm`: the project's existing
// containers, in dependency order (orchestrator/operations.hpp), under the project lock.
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/compose_session.hpp"
#include "cli/interaction.hpp"
#include "orchestrator/operations.hpp"
#include "orchestrator/project_lock.hpp"
#include "orchestrator/project_resources.hpp"

namespace stack::cli {
namespace {

struct DownCli {
  orchestrator::DownRequest request;
  int timeout = -1;
  std::string rmi;
};

void add_down(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<DownCli>();
  auto* cmd = app.add_subcommand("down", "Stop and remove containers, networks");
  cmd->add_flag("-v,--volumes", o->request.volumes,
                "Remove named volumes declared in the \"volumes\" section of the Compose file and anonymous volumes "
                "attached to containers");
  cmd->add_flag("--remove-orphans", o->request.remove_orphans, "Remove containers for services not defined in the Compose file");
  cmd->add_option("-t,--timeout", o->timeout, "Specify a shutdown timeout in seconds");
  cmd->add_option("--rmi", o->rmi, "Remove images used by services (\"local\"|\"all\")")->check(CLI::IsMember({"local", "all"}));
  cmd->callback([&g, &exit_code, o] {
    ComposeSession session(g, {}, true);
    if (o->timeout >= 0) o->request.timeout_s = o->timeout;
    const base::FileLock lock = orchestrator::lock_project(session.containers().layout(), session.project().name);
    orchestrator::down(session.context(), session.project(), o->request);
    if (!o->rmi.empty()) {
      for (const auto& [name, s] : session.project().services) {
        if (o->rmi == "local" && !s.image.empty()) continue;
        const std::string ref = s.image.empty() ? session.project().name + "-" + name : s.image;
        try {
          session.context().images.remove(ref, false, [] { return engine::image::ImageStore::InUse{}; });
          session.context().progress.event("Image", ref, "Removed");
        } catch (const Error&) {
        }
      }
    }
    exit_code = 0;
  });
}

struct OpCli {
  orchestrator::OperationRequest request;
  int timeout = -1;
};

void add_operation(CLI::App& app, const GlobalOptions& g, int& exit_code, const std::string& name,
                   const std::string& description, orchestrator::Operation op) {
  auto o = std::make_shared<OpCli>();
  auto* cmd = app.add_subcommand(name, description);
  if (op == orchestrator::Operation::Stop || op == orchestrator::Operation::Restart)
    cmd->add_option("-t,--timeout", o->timeout, "Specify a shutdown timeout in seconds");
  if (op == orchestrator::Operation::Kill)
    cmd->add_option("-s,--signal", o->request.signal, "SIGNAL to send to the container");
  cmd->add_option("services", o->request.services, "Services");
  cmd->callback([&g, &exit_code, o, op] {
    ComposeSession session(g, o->request.services, op != orchestrator::Operation::Start);
    if (o->timeout >= 0) o->request.timeout_s = o->timeout;
    const base::FileLock lock = orchestrator::lock_project(session.containers().layout(), session.project().name);
    if (op == orchestrator::Operation::Start || op == orchestrator::Operation::Restart) {
      if (orchestrator::project_containers(session.context(), session.project(), o->request.services).empty())
        throw Error("no container found for project \"" + session.project().name + "\"", "create it first (stack up)");
    }
    orchestrator::operate(session.context(), session.project(), op, o->request);
    exit_code = 0;
  });
}

struct RmCli {
  bool force = false;
  bool stop = false;
  bool volumes = false;
  int timeout = -1;
  std::vector<std::string> services;
};

void add_rm(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<RmCli>();
  auto* cmd = app.add_subcommand("rm", "Removes stopped service containers");
  cmd->add_flag("-f,--force", o->force, "Don't ask to confirm removal");
  cmd->add_flag("-s,--stop", o->stop, "Stop the containers, if required, before removing");
  cmd->add_flag("-v,--volumes", o->volumes, "Remove any anonymous volumes attached to containers");
  cmd->add_option("services", o->services, "Services");
  cmd->callback([&g, &exit_code, o] {
    ComposeSession session(g, o->services, true);
    const base::FileLock lock = orchestrator::lock_project(session.containers().layout(), session.project().name);
    const std::vector<std::string> names = orchestrator::removable(session.context(), session.project(), o->services, o->stop);
    exit_code = 0;
    if (names.empty()) {
      fmt::print(stderr, "No stopped containers\n");
      return;
    }
    if (!o->force) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      if (!confirmed("Going to remove " + list + "\n? Are you sure?")) return;
    }
    const std::vector<std::string> anonymous = orchestrator::remove_stopped(
        session.context(), session.project(), o->services, o->stop,
        o->timeout >= 0 ? std::optional<int>(o->timeout) : std::nullopt);
    if (o->volumes) orchestrator::remove_volumes(session.context(), anonymous, false);
  });
}

}  // namespace

void add_compose_lifecycle_commands(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  using orchestrator::Operation;
  add_down(app, g, exit_code);
  add_operation(app, g, exit_code, "start", "Start services", Operation::Start);
  add_operation(app, g, exit_code, "stop", "Stop services", Operation::Stop);
  add_operation(app, g, exit_code, "restart", "Restart service containers", Operation::Restart);
  add_operation(app, g, exit_code, "kill", "Force stop service containers", Operation::Kill);
  add_operation(app, g, exit_code, "pause", "Pause services", Operation::Pause);
  add_operation(app, g, exit_code, "unpause", "Unpause services", Operation::Unpause);
  add_rm(app, g, exit_code);
}

}  // namespace stack::cli
