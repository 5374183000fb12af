// `stack events [--json] [--since T] [--until T] [SERVICE...]`: the project's container
// events as they happen, until Ctrl-C (exit 130) or --until has passed.
#include <csignal>
#include <cstdio>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/compose_session.hpp"
#include "cli/event_format.hpp"
#include "engine/log_reader.hpp"
#include "orchestrator/project_events.hpp"

namespace stack::cli {
namespace {

volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_stop_signal(int signal) { g_signal = signal; }

struct EventsCli {
  bool json = false;
  std::string since;
  std::string until;
  std::vector<std::string> services;
};

int run_events(const GlobalOptions& g, const EventsCli& o) {
  ComposeSession s(g, o.services, true);
  engine::EventReadOptions r;
  const int64_t now = engine::event_clock_ns();
  if (!o.since.empty()) r.since_ns = engine::parse_log_time_bound(o.since, now);
  if (!o.until.empty()) r.until_ns = engine::parse_log_time_bound(o.until, now);
  r.stop = [] { return g_signal != 0; };
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  orchestrator::read_project_events(s.containers().layout(), s.project().name, o.services, r,
                                    [&](const orchestrator::ProjectEvent& e) {
                                      fmt::print("{}\n", o.json ? event_json(e) : event_text(e));
                                      std::fflush(stdout);
                                    });
  return g_signal ? 128 + g_signal : 0;
}

}  // namespace

void add_compose_events_command(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<EventsCli>();
  auto* cmd = app.add_subcommand("events", "Receive real time events from containers");
  cmd->add_flag("--json", o->json, "Output events as a stream of json objects");
  cmd->add_option("--since", o->since, "Show all events created since timestamp");
  cmd->add_option("--until", o->until, "Stream events until this timestamp");
  cmd->add_option("services", o->services, "Services");
  cmd->callback([&g, &exit_code, o] { exit_code = run_events(g, *o); });
}

}  // namespace stack::cli
