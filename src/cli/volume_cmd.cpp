// `stack volume ls|inspect|create|rm|prune`: the volume store (src/vol) as docker's volume
// commands show it.
#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "base/unique_fd.hpp"
#include "cli/commands.hpp"
#include "cli/container_flags.hpp"
#include "cli/container_format.hpp"
#include "cli/interaction.hpp"
#include "cli/list_filter.hpp"
#include "cli/volume_engine.hpp"

namespace stack::cli {
namespace {

std::string joined_labels(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [key, value] : labels) out += (out.empty() ? "" : ",") + key + "=" + value;
  return out;
}

nlohmann::json ls_fields(const vol::Volume& v) {
  return {{"Availability", "N/A"}, {"Driver", v.driver}, {"Group", "N/A"},   {"Labels", joined_labels(v.labels)},
          {"Links", "N/A"},        {"Mountpoint", v.mountpoint},           {"Name", v.name},
          {"Scope", "local"},      {"Size", "N/A"},         {"Status", "N/A"}};
}

nlohmann::json inspect_fields(const vol::Volume& v) {
  return {{"CreatedAt", v.created}, {"Driver", v.driver},         {"Labels", v.labels}, {"Mountpoint", v.mountpoint},
          {"Name", v.name},         {"Options", v.options},       {"Scope", "local"}};
}

void add_ls(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto quiet = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>();
  auto filters = std::make_shared<std::vector<std::string>>();
  auto* cmd = family.add_subcommand("ls", "List volumes");
  cmd->alias("list");
  cmd->add_flag("-q,--quiet", *quiet, "Only display volume names");
  cmd->add_option("--format", *format, "Format output: table, json, or a template such as '{{.Name}}'");
  add_list_option(*cmd, "-f,--filter", *filters, "Provide filter values (e.g. \"dangling=true\")");
  cmd->callback([&g, &exit_code, quiet, format, filters] {
    const ListFilter filter(*filters, {"name", "label", "driver", "dangling"});
    std::map<std::string, std::vector<std::string>> users;
    if (filter.has("dangling")) users = volume_users(g)();
    // docker's tables give a column at least 10 characters with its padding: "DRIVER    ".
    std::vector<std::vector<std::string>> rows = {{"DRIVER ", "VOLUME NAME"}};
    for (const vol::Volume& v : volume_store_from(g).list()) {
      const bool dangling = users.count(v.name) == 0;
      const bool shown =
          filter.any("name", [&](const std::string& x) { return v.name.find(x) != std::string::npos; }) &&
          filter.any("driver", [&](const std::string& x) { return v.driver == x; }) &&
          filter.any("dangling", [&](const std::string& x) {
            if (x != "true" && x != "1" && x != "false" && x != "0")
              throw Error("invalid filter 'dangling=" + x + "'", "use dangling=true or dangling=false");
            return (x == "true" || x == "1") == dangling;
          }) &&
          filter.labels_match(v.labels);
      if (!shown) continue;
      if (*quiet) fmt::print("{}\n", v.name);
      else if (*format == "json") fmt::print("{}\n", ls_fields(v).dump());
      else if (!format->empty() && *format != "table") fmt::print("{}\n", render_template(*format, ls_fields(v)));
      else rows.push_back({fmt::format("{:<7}", v.driver), v.name});
    }
    if (!*quiet && (format->empty() || *format == "table")) print_table(rows);
    exit_code = 0;
  });
}

void add_inspect(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>();
  auto* cmd = family.add_subcommand("inspect", "Display detailed information on one or more volumes");
  cmd->add_option("volumes", *names, "Volumes")->required()->type_name("VOLUME");
  cmd->add_option("-f,--format", *format, "Format output using a template such as '{{.Mountpoint}}'");
  cmd->callback([&g, &exit_code, names, format] {
    const vol::VolumeStore store = volume_store_from(g);
    exit_code = print_inspected(*names, *format, [&](const std::string& name) {
      const auto v = store.find(name);
      if (!v) throw Error("No such volume: " + name);
      return inspect_fields(*v);
    });
  });
}

// docker's name for a volume created without one: 64 random hex digits.
std::string random_name() {
  unsigned char bytes[32];
  UniqueFd fd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
  if (!fd || ::read(fd.get(), bytes, sizeof bytes) != static_cast<ssize_t>(sizeof bytes))
    throw Error("create volume: cannot read /dev/urandom");
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

// "key=value" flags (--label, --opt); a label without '=' has an empty value, as docker.
std::map<std::string, std::string> key_values(const std::vector<std::string>& words, bool need_value) {
  std::map<std::string, std::string> out;
  for (const std::string& w : words) {
    const size_t eq = w.find('=');
    if (eq == std::string::npos && need_value) throw Error("invalid option \"" + w + "\": expected key=value");
    out[w.substr(0, eq)] = eq == std::string::npos ? "" : w.substr(eq + 1);
  }
  return out;
}

struct CreateCli {
  std::string name, driver = "local";
  std::vector<std::string> labels, opts;
};

void add_create(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<CreateCli>();
  auto* cmd = family.add_subcommand("create", "Create a volume");
  cmd->add_option("name", o->name, "Volume name (random when not given)")->type_name("VOLUME");
  cmd->add_option("-d,--driver", o->driver, "Specify volume driver name (only \"local\")");
  add_list_option(*cmd, "--label", o->labels, "Set metadata for a volume");
  add_list_option(*cmd, "-o,--opt", o->opts, "Set driver specific options (type, device, o)");
  cmd->callback([&g, &exit_code, o] {
    const vol::VolumeSpec spec{o->driver, key_values(o->labels, false), key_values(o->opts, true)};
    fmt::print("{}\n", volume_store_from(g).create(o->name.empty() ? random_name() : o->name, spec).name);
    exit_code = 0;
  });
}

void add_rm(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("rm", "Remove one or more volumes");
  cmd->alias("remove");
  cmd->add_option("volumes", *names, "Volumes")->required()->type_name("VOLUME");
  cmd->add_flag("-f,--force", *force, "Do not fail for a missing volume (volumes in use are never removed)");
  cmd->callback([&g, &exit_code, names, force] {
    vol::VolumeStore store = volume_store_from(g);
    exit_code = for_each_target(*names, [&](const std::string& name) {
      if (*force && !store.find(name)) return;
      store.remove(name, volume_users(g));
      fmt::print("{}\n", name);
    });
  });
}

void add_prune(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto all = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("prune", "Remove unused local volumes");
  cmd->add_flag("-a,--all", *all, "Remove all unused volumes, not just anonymous ones");
  cmd->add_flag("-f,--force", *force, "Do not prompt for confirmation");
  cmd->callback([&g, &exit_code, force, all] {
    exit_code = 0;
    const char* warning = *all ? "WARNING! This will remove all local volumes not used by at least one container.\n"
                               : "WARNING! This will remove anonymous local volumes not used by at least one container.\n";
    if (!*force && !confirmed(std::string(warning) + "Are you sure you want to continue?")) return;
    const vol::PrunedVolumes r = volume_store_from(g).prune(volume_users(g), *all);
    if (!r.deleted.empty()) {
      fmt::print("Deleted Volumes:\n");
      for (const std::string& name : r.deleted) fmt::print("{}\n", name);
      fmt::print("\n");
    }
    fmt::print("Total reclaimed space: {}\n", human_size(static_cast<double>(r.reclaimed_bytes)));
  });
}

}  // namespace

void add_volume_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto* family = app.add_subcommand("volume", "Manage volumes");
  family->require_subcommand(1);
  add_ls(*family, global, exit_code);
  add_inspect(*family, global, exit_code);
  add_create(*family, global, exit_code);
  add_rm(*family, global, exit_code);
  add_prune(*family, global, exit_code);
}

}  // namespace stack::cli
