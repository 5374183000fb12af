// `stack container start|stop|kill|restart|pause|unpause|rm|wait`: thin commands over
// engine::Containers. Like docker, commands taking several containers act on each,
// print each name or id they handled, report each failure and exit 1 if any failed.
#include <functional>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/container_engine.hpp"
#include "cli/interaction.hpp"
#include "cli/network_attach.hpp"
#include "cli/volume_engine.hpp"

namespace stack::cli {
namespace {

struct Targets {
  std::vector<std::string> refs;
};

// Runs `action` for every container named; failures are printed and counted.
int for_each_container(const GlobalOptions& g, const std::vector<std::string>& refs,
                       const std::function<void(engine::Containers&, const std::string&, const std::string&)>& action) {
  engine::Containers containers = containers_from(g);
  return for_each_target(refs, [&](const std::string& ref) { action(containers, containers.resolve(ref), ref); });
}

CLI::App* add_targets(CLI::App* cmd, Targets& t) {
  cmd->add_option("containers", t.refs, "Containers (name, id or id prefix)")->required()->type_name("CONTAINER");
  return cmd;
}

void add_start(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto t = std::make_shared<Targets>();
  auto attach = std::make_shared<bool>(false);
  auto* cmd = add_targets(family.add_subcommand("start", "Start one or more stopped containers"), *t);
  cmd->add_flag("-a,--attach", *attach, "Attach STDOUT/STDERR and forward signals");
  cmd->callback([&g, &exit_code, t, attach] {
    int container_code = 0;
    exit_code = for_each_container(g, t->refs, [&](engine::Containers& c, const std::string& id, const std::string& ref) {
      if (*attach) {
        container_code = c.start_attached(id, -1, false);
        return;
      }
      c.start(id);
      fmt::print("{}\n", ref);
    });
    if (exit_code == 0) exit_code = container_code;
  });
}

void add_stop(CLI::App& family, const GlobalOptions& g, int& exit_code, bool restart) {
  auto t = std::make_shared<Targets>();
  auto timeout = std::make_shared<std::optional<int>>();
  auto signal = std::make_shared<std::string>();
  auto* cmd = add_targets(family.add_subcommand(restart ? "restart" : "stop",
                                                restart ? "Restart one or more containers" : "Stop one or more running containers"),
                          *t);
  cmd->add_option("-t,--time,--timeout", *timeout, "Seconds to wait before killing the container");
  cmd->add_option("-s,--signal", *signal, "Signal to send to the container");
  cmd->callback([&g, &exit_code, t, timeout, signal, restart] {
    exit_code = for_each_container(g, t->refs, [&](engine::Containers& c, const std::string& id, const std::string& ref) {
      if (restart)
        c.restart(id, *timeout, *signal);
      else
        c.stop(id, *timeout, *signal);
      fmt::print("{}\n", ref);
    });
  });
}

void add_kill(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto t = std::make_shared<Targets>();
  auto signal = std::make_shared<std::string>("SIGKILL");
  auto* cmd = add_targets(family.add_subcommand("kill", "Kill one or more running containers"), *t);
  cmd->add_option("-s,--signal", *signal, "Signal to send to the container");
  cmd->callback([&g, &exit_code, t, signal] {
    exit_code = for_each_container(g, t->refs, [&](engine::Containers& c, const std::string& id, const std::string& ref) {
      c.kill(id, *signal);
      fmt::print("{}\n", ref);
    });
  });
}

void add_pause(CLI::App& family, const GlobalOptions& g, int& exit_code, bool pause) {
  auto t = std::make_shared<Targets>();
  auto* cmd = add_targets(family.add_subcommand(pause ? "pause" : "unpause",
                                                pause ? "Pause all processes within one or more containers"
                                                      : "Unpause all processes within one or more containers"),
                          *t);
  cmd->callback([&g, &exit_code, t, pause] {
    exit_code = for_each_container(g, t->refs, [&](engine::Containers& c, const std::string& id, const std::string& ref) {
      if (pause) c.pause(id);
      else c.unpause(id);
      fmt::print("{}\n", ref);
    });
  });
}

void add_rm(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto t = std::make_shared<Targets>();
  auto force = std::make_shared<bool>(false);
  auto volumes = std::make_shared<bool>(false);
  auto* cmd = add_targets(family.add_subcommand("rm", "Remove one or more containers"), *t);
  cmd->alias("remove");
  cmd->add_flag("-f,--force", *force, "Force the removal of a running container (uses SIGKILL)");
  cmd->add_flag("-v,--volumes", *volumes, "Remove anonymous volumes associated with the container");
  cmd->callback([&g, &exit_code, t, force, volumes] {
    exit_code = for_each_container(g, t->refs, [&](engine::Containers& c, const std::string& id, const std::string& ref) {
      const std::vector<std::string> used = c.view(id).config.volumes;
      c.remove(id, *force);
      release_network(g, id);
      if (*volumes) remove_anonymous_volumes(g, used);
      fmt::print("{}\n", ref);
    });
  });
}

void add_wait(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto t = std::make_shared<Targets>();
  auto* cmd = add_targets(family.add_subcommand("wait", "Block until one or more containers stop, then print their exit codes"), *t);
  cmd->callback([&g, &exit_code, t] {
    exit_code = for_each_container(g, t->refs, [&](engine::Containers& c, const std::string& id, const std::string&) {
      fmt::print("{}\n", c.wait(id));
    });
  });
}

}  // namespace

void add_container_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto* family = app.add_subcommand("container", "Manage containers");
  family->require_subcommand(1);
  add_container_run_commands(*family, global, exit_code);
  add_start(*family, global, exit_code);
  add_stop(*family, global, exit_code, false);
  add_stop(*family, global, exit_code, true);
  add_kill(*family, global, exit_code);
  add_pause(*family, global, exit_code, true);
  add_pause(*family, global, exit_code, false);
  add_rm(*family, global, exit_code);
  add_wait(*family, global, exit_code);
  add_container_view_commands(*family, global, exit_code);
  add_container_exec_command(*family, global, exit_code);
  add_container_cp_command(*family, global, exit_code);
  add_container_port_command(*family, global, exit_code);
}

}  // namespace stack::cli
