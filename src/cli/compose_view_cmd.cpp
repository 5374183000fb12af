// `stack ps|ls|logs|top|images|port`: reading a project's containers, never changing them.
#include <unistd.h>

#include <atomic>
#include <memory>
#include <set>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/compose_logs.hpp"
#include "cli/compose_session.hpp"
#include "cli/container_engine.hpp"
#include "cli/container_flags.hpp"
#include "cli/container_format.hpp"
#include "net/firewall_port_spec.hpp"
#include "orchestrator/labels.hpp"
#include "orchestrator/observe.hpp"
#include "orchestrator/operations.hpp"

namespace stack::cli {
namespace {

struct PsCli {
  bool all = false;
  bool quiet = false;
  bool services = false;
  std::vector<std::string> status;
  std::vector<std::string> filters;  // --filter status=running, the one property compose filters on
  std::string format = "table";
  bool no_trunc = false;
  std::vector<std::string> service_names;
};

std::string ports_text(orchestrator::NetworkDriver& network, const std::string& id) {
  std::string out;
  for (const net::PublishedPort& p : network.published(id))
    for (const std::string& at : net::published_at(p))
      out += (out.empty() ? "" : ", ") + fmt::format("{}->{}/{}", at, p.container_port, p.protocol);
  return out;
}

nlohmann::json ps_fields(ComposeSession& s, const orchestrator::ObservedContainer& c, bool no_trunc) {
  const engine::ContainerView v = s.containers().view(c.id);
  engine::runtime::Spec spec;
  try {
    spec = s.containers().spec(c.id);
  } catch (const Error&) {
  }
  return {{"ID", c.id},
          {"Name", c.name},
          {"Image", v.config.image},
          {"Command", command_text(spec.process.args, no_trunc)},
          {"Project", s.project().name},
          {"Service", c.service},
          {"Created", v.config.created},
          {"RunningFor", human_duration(seconds_since(v.config.created)) + " ago"},
          {"State", engine::status_name(v.state.status)},
          {"Status", status_text(v)},
          {"Health", v.state.health ? v.state.health->status : ""},
          {"ExitCode", v.state.exit_code},
          {"Ports", ports_text(s.context().network, c.id)}};
}

// Column titles of `ps --format "table TEMPLATE"`, as compose's.
nlohmann::json ps_headers() {
  return {{"ID", "CONTAINER ID"}, {"Name", "NAME"},         {"Image", "IMAGE"},         {"Command", "COMMAND"},
          {"Project", "PROJECT"}, {"Service", "SERVICE"},   {"Created", "CREATED AT"},  {"RunningFor", "CREATED"},
          {"State", "STATE"},     {"Status", "STATUS"},     {"Health", "HEALTH"},       {"ExitCode", "EXIT CODE"},
          {"Ports", "PORTS"}};
}

// --filter KEY=VALUE adds to --status; compose knows no other key.
std::vector<std::string> wanted_status(const PsCli& o) {
  std::vector<std::string> status = o.status;
  for (const std::string& f : o.filters) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos || f.substr(0, eq) != "status")
      throw Error("invalid filter \"" + f + "\": the only filter is status=STATUS");
    status.push_back(f.substr(eq + 1));
  }
  return status;
}

void run_ps(const GlobalOptions& g, PsCli o) {
  if (o.format.empty()) o.format = "table";  // as docker's --format ""
  o.status = wanted_status(o);
  for (const std::string& st : o.status)
    if (st != "paused" && st != "restarting" && st != "removing" && st != "running" && st != "dead" &&
        st != "created" && st != "exited")
      throw Error("invalid --status \"" + st + "\": one of paused, restarting, removing, running, dead, created, exited");
  ComposeSession s(g, o.service_names, true);
  std::vector<std::vector<std::string>> rows = {{"NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"}};
  std::set<std::string> services;
  std::vector<nlohmann::json> templated;  // --format TEMPLATE or "table TEMPLATE"
  for (const orchestrator::ObservedContainer& c : orchestrator::project_containers(s.context(), s.project(), o.service_names, true)) {
    const std::string state = engine::status_name(c.status);
    if (!o.status.empty() && std::find(o.status.begin(), o.status.end(), state) == o.status.end()) continue;
    if (o.status.empty() && !o.all && !orchestrator::is_running(c.status)) continue;
    if (o.quiet) {
      fmt::print("{}\n", c.id);
      continue;
    }
    if (o.services) {
      if (services.insert(c.service).second) fmt::print("{}\n", c.service);
      continue;
    }
    const nlohmann::json f = ps_fields(s, c, o.no_trunc);
    if (o.format == "json") {
      fmt::print("{}\n", f.dump());
      continue;
    }
    if (o.format != "table") {
      templated.push_back(f);
      continue;
    }
    std::vector<std::string> row;
    for (const char* k : {"Name", "Image", "Command", "Service", "RunningFor", "Status", "Ports"}) row.push_back(f[k].get<std::string>());
    rows.push_back(std::move(row));
  }
  if (o.quiet || o.services || o.format == "json") return;
  if (o.format == "table") print_table(rows);
  else print_templated(o.format, templated, ps_headers());
}

void add_ps(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<PsCli>();
  auto* cmd = app.add_subcommand("ps", "List containers");
  cmd->add_flag("-a,--all", o->all, "Show all stopped containers (including those created by the run command)");
  cmd->add_flag("-q,--quiet", o->quiet, "Only display IDs");
  cmd->add_flag("--services", o->services, "Display services");
  add_list_option(*cmd, "--status", o->status,
                  "Filter services by status (paused, restarting, removing, running, dead, created, exited)");
  add_list_option(*cmd, "--filter", o->filters, "Filter services by a property (supported filters: status)");
  cmd->add_option("--format", o->format,
                  "Format the output: table, json, a template such as '{{.Name}}', or 'table TEMPLATE'");
  cmd->add_flag("--no-trunc", o->no_trunc, "Don't truncate output");
  cmd->add_option("services", o->service_names, "Services");
  cmd->callback([&g, &exit_code, o] {
    run_ps(g, *o);
    exit_code = 0;
  });
}

struct LsCli {
  bool all = false;
  bool quiet = false;
  std::string format = "table";
};

void add_ls(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<LsCli>();
  auto* cmd = app.add_subcommand("ls", "List running compose projects");
  cmd->add_flag("-a,--all", o->all, "Show all stopped Compose projects");
  cmd->add_flag("-q,--quiet", o->quiet, "Only display project names");
  cmd->add_option("--format", o->format, "Format the output (table, json)")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([&g, &exit_code, o] {
    std::vector<std::vector<std::string>> rows = {{"NAME", "STATUS", "CONFIG FILES"}};
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [name, views] : orchestrator::projects_of(containers_from(g).list())) {
      std::map<std::string, int> counts;
      std::string files;
      for (const engine::ContainerView& v : views) {
        ++counts[engine::status_name(v.state.status)];
        auto it = v.config.labels.find(orchestrator::labels::kConfigFiles);
        if (it != v.config.labels.end()) files = it->second;
      }
      if (!o->all && !counts.count("running")) continue;
      std::string status;
      for (const auto& [state, n] : counts) status += (status.empty() ? "" : ", ") + fmt::format("{}({})", state, n);
      if (o->quiet) fmt::print("{}\n", name);
      rows.push_back({name, status, files});
      list.push_back({{"Name", name}, {"Status", status}, {"ConfigFiles", files}});
    }
    if (o->quiet) {
    } else if (o->format == "json") {
      fmt::print("{}\n", list.dump());
    } else {
      print_table(rows);
    }
    exit_code = 0;
  });
}

struct LogsCli {
  bool follow = false;
  bool timestamps = false;
  bool no_color = false;
  bool no_log_prefix = false;
  std::string tail = "all";
  std::string since;
  std::string until;
  int index = 0;
  std::vector<std::string> services;
};

void add_logs(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<LogsCli>();
  auto* cmd = app.add_subcommand("logs", "View output from containers");
  cmd->add_flag("-f,--follow", o->follow, "Follow log output");
  cmd->add_flag("-t,--timestamps", o->timestamps, "Show timestamps");
  cmd->add_flag("--no-color", o->no_color, "Produce monochrome output");
  cmd->add_flag("--no-log-prefix", o->no_log_prefix, "Don't print prefix in logs");
  cmd->add_option("-n,--tail", o->tail, "Number of lines to show from the end of the logs for each container");
  cmd->add_option("--since", o->since, "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)");
  cmd->add_option("--until", o->until, "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)");
  cmd->add_option("--index", o->index, "index of the container if service has multiple replicas");
  cmd->add_option("services", o->services, "Services");
  cmd->callback([&g, &exit_code, o] {
    ComposeSession s(g, o->services, true);
    std::vector<orchestrator::ObservedContainer> cs;
    for (const auto& c : orchestrator::project_containers(s.context(), s.project(), o->services))
      if (o->index == 0 || c.number == o->index) cs.push_back(c);
    engine::LogReadOptions r;
    r.tail = engine::parse_tail(o->tail);
    r.since = o->since;
    r.until = o->until;
    r.follow = o->follow;
    const std::atomic<bool> stop{false};
    stream_logs(s.containers(), s.project().name, cs, r, {!o->no_color && ::isatty(1), !o->no_log_prefix, o->timestamps}, stop);
    exit_code = 0;
  });
}

void add_top(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto services = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("top", "Display the running processes");
  cmd->add_option("services", *services, "Services");
  cmd->callback([&g, &exit_code, services] {
    ComposeSession s(g, *services, true);
    bool first = true;
    for (const auto& c : orchestrator::project_containers(s.context(), s.project(), *services)) {
      if (c.status != engine::Status::Running) continue;
      fmt::print("{}{}\n", first ? "" : "\n", c.name);
      first = false;
      std::vector<std::vector<std::string>> rows = {{"UID", "PID", "PPID", "CMD"}};
      for (pid_t pid : s.containers().processes(c.id)) {
        std::string stat, cmdline;
        FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
        int ppid = 0;
        if (f) {
          (void)std::fscanf(f, "%*d %*s %*c %d", &ppid);
          std::fclose(f);
        }
        FILE* c2 = std::fopen(("/proc/" + std::to_string(pid) + "/cmdline").c_str(), "r");
        if (c2) {
          int ch;
          while ((ch = std::fgetc(c2)) != EOF) cmdline += ch == 0 ? ' ' : static_cast<char>(ch);
          std::fclose(c2);
        }
        while (!cmdline.empty() && cmdline.back() == ' ') cmdline.pop_back();
        rows.push_back({"root", std::to_string(pid), std::to_string(ppid), cmdline});
      }
      print_table(rows);
    }
    exit_code = 0;
  });
}

void add_images(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto services = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("images", "List images used by the created containers");
  cmd->add_option("services", *services, "Services");
  cmd->callback([&g, &exit_code, services] {
    ComposeSession s(g, *services, true);
    const std::map<std::string, int64_t> sizes = s.context().images.layer_content_sizes();
    std::vector<std::vector<std::string>> rows = {{"CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"}};
    for (const auto& c : orchestrator::project_containers(s.context(), s.project(), *services)) {
      const engine::ContainerView v = s.containers().view(c.id);
      std::string repo = v.config.image, tag = "latest";
      const size_t colon = repo.rfind(':');
      if (colon != std::string::npos && repo.find('/', colon) == std::string::npos) {
        tag = repo.substr(colon + 1);
        repo = repo.substr(0, colon);
      }
      double size = 0;
      if (auto e = s.context().images.find(v.config.image_id))
        for (const auto& layer : e->record.layers)
          if (auto it = sizes.find(layer.diff_id); it != sizes.end()) size += static_cast<double>(it->second);
      const std::string id = v.config.image_id.rfind("sha256:", 0) == 0 ? v.config.image_id.substr(7, 12) : v.config.image_id;
      rows.push_back({c.name, repo, tag, id, human_size(size)});
    }
    print_table(rows);
    exit_code = 0;
  });
}

struct PortCli {
  std::string service;
  std::string port;
  std::string protocol = "tcp";
  int index = 1;
};

void add_port(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<PortCli>();
  auto* cmd = app.add_subcommand("port", "Print the public port for a port binding");
  cmd->add_option("service", o->service, "Service")->required();
  cmd->add_option("private_port", o->port, "Private port")->required();
  cmd->add_option("--protocol", o->protocol, "tcp or udp");
  cmd->add_option("--index", o->index, "Index of the container if service has multiple replicas");
  cmd->callback([&g, &exit_code, o] {
    ComposeSession s(g, {o->service}, true);
    for (const auto& c : orchestrator::project_containers(s.context(), s.project(), {o->service})) {
      if (c.number != o->index) continue;
      for (const net::PublishedPort& p : s.context().network.published(c.id)) {
        if (std::to_string(p.container_port) != o->port || p.protocol != o->protocol) continue;
        for (const std::string& at : net::published_at(p)) fmt::print("{}\n", at);
        exit_code = 0;
        return;
      }
      throw Error("no port " + o->port + "/" + o->protocol + " for container " + c.name);
    }
    throw Error("service \"" + o->service + "\" has no container with index " + std::to_string(o->index));
  });
}

}  // namespace

void add_compose_view_commands(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  add_ps(app, g, exit_code);
  add_ls(app, g, exit_code);
  add_logs(app, g, exit_code);
  add_top(app, g, exit_code);
  add_images(app, g, exit_code);
  add_port(app, g, exit_code);
}

}  // namespace stack::cli
