// `stack container ls|inspect|top|logs`: reading containers, never changing them.
#include <stdio.h>

#include <memory>
#include <set>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/container_engine.hpp"
#include "cli/container_flags.hpp"
#include "cli/container_format.hpp"
#include "cli/container_network_view.hpp"
#include "cli/network_engine.hpp"
#include "cli/port_publish.hpp"
#include "cli/list_filter.hpp"
#include "engine/log_reader.hpp"

namespace stack::cli {
namespace {

struct LsOptions {
  bool all = false;
  bool quiet = false;
  bool no_trunc = false;
  std::string format;
  std::vector<std::string> filters;
};

bool matches(const engine::ContainerView& v, const ListFilter& f) {
  return f.any("name", [&](const std::string& x) { return v.config.name.find(x) != std::string::npos; }) &&
         f.any("id", [&](const std::string& x) { return v.config.id.rfind(x, 0) == 0; }) &&
         f.any("status", [&](const std::string& x) { return engine::status_name(v.state.status) == x; }) &&
         f.labels_match(v.config.labels);
}

void run_ls(const GlobalOptions& g, const LsOptions& o) {
  engine::Containers containers = containers_from(g);
  std::vector<engine::ContainerView> views = containers.list();
  std::sort(views.begin(), views.end(), [](const auto& a, const auto& b) { return a.config.created > b.config.created; });
  const ListFilter filter(o.filters, {"name", "id", "status", "label"});
  std::vector<std::vector<std::string>> rows = {{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"}};
  std::vector<nlohmann::json> templated;  // --format TEMPLATE or "table TEMPLATE"
  for (const auto& v : views) {
    const bool live = v.state.status == engine::Status::Running || v.state.status == engine::Status::Paused ||
                      v.state.status == engine::Status::Restarting;
    if ((!o.all && !live) || !matches(v, filter)) continue;
    const std::string id = o.no_trunc ? v.config.id : v.config.id.substr(0, 12);
    if (o.quiet) {
      fmt::print("{}\n", id);
      continue;
    }
    engine::runtime::Spec spec;
    try {
      spec = containers.spec(v.config.id);
    } catch (const Error&) {
      // a dead container whose records are unreadable: listed without its command
    }
    const nlohmann::json fields = {{"ID", id},
                                   {"Image", v.config.image.empty() ? v.config.rootfs : v.config.image},
                                   {"Command", command_text(spec.process.args, o.no_trunc)},
                                   {"CreatedAt", v.config.created},
                                   {"RunningFor", human_duration(seconds_since(v.config.created)) + " ago"},
                                   {"Status", status_text(v)},
                                   {"State", engine::status_name(v.state.status)},
                                   {"Ports", ""},
                                   {"Names", v.config.name}};
    if (o.format == "json") {
      fmt::print("{}\n", fields.dump());
    } else if (!o.format.empty() && o.format != "table") {
      templated.push_back(fields);
    } else {
      std::vector<std::string> row;
      for (const char* column : {"ID", "Image", "Command", "RunningFor", "Status", "Ports", "Names"})
        row.push_back(fields[column].get<std::string>());
      rows.push_back(std::move(row));
    }
  }
  if (o.quiet || o.format == "json") return;
  if (o.format.empty() || o.format == "table") print_table(rows);
  else
    print_templated(o.format, templated,
                    {{"ID", "CONTAINER ID"}, {"Image", "IMAGE"}, {"Command", "COMMAND"}, {"CreatedAt", "CREATED AT"},
                     {"RunningFor", "CREATED"}, {"Status", "STATUS"}, {"State", "STATE"}, {"Ports", "PORTS"},
                     {"Names", "NAMES"}});
}

void add_ls(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<LsOptions>();
  auto* cmd = family.add_subcommand("ls", "List containers");
  cmd->alias("ps");
  cmd->alias("list");
  cmd->add_flag("-a,--all", o->all, "Show all containers (default shows just running)");
  cmd->add_flag("-q,--quiet", o->quiet, "Only display container IDs");
  cmd->add_flag("--no-trunc", o->no_trunc, "Don't truncate output");
  cmd->add_option("--format", o->format, "Format output: table, json, a template such as '{{.Names}}', or 'table TEMPLATE'");
  add_list_option(*cmd, "-f,--filter", o->filters, "Filter output (name=, id=, status=, label=)");
  cmd->callback([&g, &exit_code, o] {
    run_ls(g, *o);
    exit_code = 0;
  });
}

void add_inspect(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto refs = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>();
  auto* cmd = family.add_subcommand("inspect", "Display detailed information on one or more containers");
  cmd->add_option("containers", *refs, "Containers")->required();
  cmd->add_option("-f,--format", *format, "Format output using a template such as '{{.State.Status}}'");
  cmd->callback([&g, &exit_code, refs, format] {
    engine::Containers containers = containers_from(g);
    exit_code = print_inspected(*refs, *format, [&](const std::string& ref) {
      const std::string id = containers.resolve(ref);
      nlohmann::json doc = inspect_document(containers.view(id), containers.spec(id), containers.layout());
      doc["NetworkSettings"] = network_settings(networks_from(g, nullptr).sandbox(id), published_ports(g, id));
      return doc;
    });
  });
}

// docker top runs ps on the host and keeps the container's processes; so do we.
void add_top(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto ref = std::make_shared<std::string>();
  auto* cmd = family.add_subcommand("top", "Display the running processes of a container");
  cmd->add_option("container", *ref, "Container")->required();
  cmd->callback([&g, &exit_code, ref] {
    engine::Containers containers = containers_from(g);
    const auto pids = containers.processes(containers.resolve(*ref));
    const std::set<std::string> wanted = [&] {
      std::set<std::string> s;
      for (pid_t p : pids) s.insert(std::to_string(p));
      return s;
    }();
    FILE* ps = popen("ps -ef", "r");
    if (!ps) throw Error("run ps -ef: cannot start it");
    char line[8192];
    bool header = true;
    while (fgets(line, sizeof line, ps)) {
      char uid[64], pid[64];
      if (header || (sscanf(line, "%63s %63s", uid, pid) == 2 && wanted.count(pid))) fmt::print("{}", line);
      header = false;
    }
    pclose(ps);
    exit_code = 0;
  });
}

struct LogsOptions {
  std::string ref;
  bool follow = false;
  bool timestamps = false;
  std::string tail = "all";
  std::string since;
  std::string until;
};

void add_logs(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<LogsOptions>();
  auto* cmd = family.add_subcommand("logs", "Fetch the logs of a container");
  cmd->add_option("container", o->ref, "Container")->required();
  cmd->add_flag("-f,--follow", o->follow, "Follow log output");
  cmd->add_flag("-t,--timestamps", o->timestamps, "Show timestamps");
  cmd->add_option("-n,--tail", o->tail, "Number of lines to show from the end of the logs (default \"all\")");
  cmd->add_option("--since", o->since, "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)");
  cmd->add_option("--until", o->until, "Show logs before a timestamp or relative time");
  cmd->callback([&g, &exit_code, o] {
    engine::Containers containers = containers_from(g);
    const std::string id = containers.resolve(o->ref);
    engine::LogReadOptions r;
    r.tail = engine::parse_tail(o->tail);
    r.since = o->since;
    r.until = o->until;
    r.follow = o->follow;
    r.still_running = [&] {
      try {
        const auto s = containers.view(id).state.status;
        return s == engine::Status::Running || s == engine::Status::Paused || s == engine::Status::Restarting;
      } catch (const Error&) {
        return false;  // removed meanwhile
      }
    };
    engine::read_logs(containers.layout().log_path(id), r, [&](const engine::LogEntry& e) {
      FILE* out = e.stream == "stderr" ? stderr : stdout;
      if (o->timestamps) fmt::print(out, "{} ", e.time);
      fwrite(e.text.data(), 1, e.text.size(), out);
      fflush(out);
    });
    exit_code = 0;
  });
}

}  // namespace

void add_container_view_commands(CLI::App& family, const GlobalOptions& global, int& exit_code) {
  add_ls(family, global, exit_code);
  add_inspect(family, global, exit_code);
  add_top(family, global, exit_code);
  add_logs(family, global, exit_code);
}

}  // namespace stack::cli
