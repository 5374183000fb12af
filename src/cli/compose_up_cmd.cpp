// `stack up` and `stack create`: converge the project (orchestrator/apply.hpp). Without
// -d, `up` then streams the containers' logs with prefixes until they all exited or
// Ctrl-C, which stops them (exit 130), as `docker compose up` does.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/compose_logs.hpp"
#include "cli/compose_session.hpp"
#include "cli/container_flags.hpp"
#include "orchestrator/apply.hpp"
#include "orchestrator/operations.hpp"
#include "orchestrator/project_lock.hpp"

namespace stack::cli {
namespace {

struct UpCli {
  orchestrator::UpRequest request;
  bool detach = false;
  bool abort_on_exit = false;
  std::string exit_code_from;
  std::vector<std::string> scale;
  bool no_color = false;
  bool no_log_prefix = false;
  bool timestamps = false;
  int timeout = -1;
  std::vector<std::string> attach;     // --attach: only these services' logs
  std::vector<std::string> no_attach;  // --no-attach
  bool build = false, no_build = false;
};

// Whose logs the attached up shows: --attach, else every service but --no-attach and
// those with `attach: false`.
bool attached_to(const compose::Project& p, const UpCli& o, const std::string& service) {
  if (!o.attach.empty()) return std::find(o.attach.begin(), o.attach.end(), service) != o.attach.end();
  if (std::find(o.no_attach.begin(), o.no_attach.end(), service) != o.no_attach.end()) return false;
  auto it = p.services.find(service);
  return it == p.services.end() || it->second.attach.value_or(true);
}

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

void take_scale(UpCli& o) {
  for (const std::string& s : o.scale) {
    const size_t eq = s.find('=');
    try {
      if (eq == std::string::npos) throw std::invalid_argument(s);
      o.request.plan.scale[s.substr(0, eq)] = std::stoi(s.substr(eq + 1));
    } catch (const std::exception&) {
      throw Error("invalid --scale \"" + s + "\": expected SERVICE=NUM");
    }
  }
}

// Attached mode: logs until every container exited, one exited with --abort-on-container-exit,
// or Ctrl-C; returns the exit code.
int attach(ComposeSession& session, const UpCli& o) {
  orchestrator::Context& ctx = session.context();
  const orchestrator::ProgressHold hold(ctx.progress);  // the logs own the terminal from here
  const std::string& project = session.project().name;
  const std::vector<orchestrator::ObservedContainer> cs =
      orchestrator::project_containers(ctx, session.project(), o.request.services);
  std::vector<orchestrator::ObservedContainer> shown;
  std::string names;
  for (const auto& c : cs) {
    if (!attached_to(session.project(), o, c.service)) continue;
    shown.push_back(c);
    names += (names.empty() ? "" : ", ") + short_name(project, c.name);
  }
  fmt::print("Attaching to {}\n", names);
  std::fflush(stdout);
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::atomic<bool> stop{false};
  engine::LogReadOptions r;
  r.follow = true;
  LogStyle style{!o.no_color && ::isatty(1), !o.no_log_prefix, o.timestamps, true};
  std::thread logs([&] { stream_logs(ctx.containers, project, shown, r, style, stop); });
  int code = 0;
  std::string exited;  // the container that ended it (abort mode)
  const bool abort = o.abort_on_exit || !o.exit_code_from.empty();
  for (;;) {
    bool any_running = false;
    for (const auto& c : cs) {
      const engine::ContainerView v = ctx.containers.view(c.id);
      if (orchestrator::is_running(v.state.status)) {
        any_running = true;
      } else if (abort && exited.empty()) {
        exited = c.id;
      }
    }
    if (!any_running || g_interrupted || !exited.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (g_interrupted || !exited.empty()) {
    fmt::print(stderr, "{}\n", g_interrupted ? "Gracefully stopping... (press Ctrl+C again to force)" : "Aborting on container exit...");
    orchestrator::OperationRequest stop_request;
    stop_request.services = o.request.services;
    if (o.timeout >= 0) stop_request.timeout_s = o.timeout;
    orchestrator::operate(ctx, session.project(), orchestrator::Operation::Stop, stop_request);
  }
  stop = true;
  logs.join();
  if (g_interrupted) return 130;
  for (const auto& c : cs) {
    const engine::ContainerView v = ctx.containers.view(c.id);
    if (!o.exit_code_from.empty() && c.service == o.exit_code_from) return v.state.exit_code;
    if (c.id == exited && o.exit_code_from.empty()) code = v.state.exit_code;
  }
  return code;
}

void add_common(CLI::App* cmd, UpCli& o) {
  cmd->add_flag("--force-recreate", o.request.plan.force_recreate, "Recreate containers even if their configuration and image haven't changed");
  cmd->add_flag("--no-recreate", o.request.plan.no_recreate, "If containers already exist, don't recreate them");
  cmd->add_option("--pull", o.request.pull, "Pull image before running (\"always\"|\"missing\"|\"never\")")
      ->check(CLI::IsMember({"always", "missing", "never"}));
  cmd->add_flag("--build", o.build, "Build images before starting containers");
  cmd->add_flag("--no-build", o.no_build, "Don't build an image, even if it's policy");
  cmd->add_flag("--remove-orphans", o.request.plan.remove_orphans, "Remove containers for services not defined in the Compose file");
  add_list_option(*cmd, "--scale", o.scale, "Scale SERVICE to NUM instances (overrides the scale setting in the Compose file)");
  cmd->add_option("services", o.request.services, "Services");
}

int run_up(const GlobalOptions& g, UpCli& o, bool create_only) {
  take_scale(o);
  if (o.build && o.no_build) throw Error("--build and --no-build are incompatible");
  o.request.build = o.build ? "always" : o.no_build ? "never" : "";
  o.request.timeout_s = o.timeout;
  if (create_only) o.request.plan.no_start = true;
  ComposeSession session(g, o.request.services);
  if (!o.exit_code_from.empty() && !session.project().services.count(o.exit_code_from))
    throw Error("no such service: " + o.exit_code_from);
  {
    const base::FileLock lock = orchestrator::lock_project(session.containers().layout(), session.project().name);
    orchestrator::up(session.context(), session.project(), o.request);
  }
  if (create_only || o.detach || o.request.plan.no_start) return 0;
  return attach(session, o);
}

}  // namespace

void add_compose_up_commands(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<UpCli>();
  auto* up = app.add_subcommand("up", "Create and start containers");
  add_common(up, *o);
  up->add_flag("-d,--detach", o->detach, "Detached mode: Run containers in the background");
  up->add_flag("--no-deps", o->request.no_deps, "Don't start linked services");
  up->add_flag("--no-start", o->request.plan.no_start, "Don't start the services after creating them");
  up->add_flag("--wait", o->request.wait, "Wait for services to be running|healthy. Implies detached mode.");
  up->add_option("--wait-timeout", o->request.wait_timeout_s, "Maximum duration in seconds to wait for the project to be running|healthy");
  up->add_flag("--abort-on-container-exit", o->abort_on_exit, "Stops all containers if any container was stopped");
  up->add_option("--exit-code-from", o->exit_code_from, "Return the exit code of the selected service container");
  up->add_flag("--no-color", o->no_color, "Produce monochrome output");
  up->add_flag("--no-log-prefix", o->no_log_prefix, "Don't print prefix in logs");
  up->add_flag("--timestamps", o->timestamps, "Show timestamps");
  up->add_option("-t,--timeout", o->timeout, "Use this timeout in seconds for container shutdown");
  add_list_option(*up, "--attach", o->attach, "Restrict attaching to the specified services");
  add_list_option(*up, "--no-attach", o->no_attach, "Do not attach (stream logs) to the specified services");
  up->callback([&g, &exit_code, o] {
    if (o->request.wait) o->detach = true;
    exit_code = run_up(g, *o, false);
  });

  auto c = std::make_shared<UpCli>();
  auto* create = app.add_subcommand("create", "Creates containers for a service");
  add_common(create, *c);
  create->callback([&g, &exit_code, c] { exit_code = run_up(g, *c, true); });
}

}  // namespace stack::cli
