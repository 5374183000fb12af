// `stack config`: parse, resolve and render the compose project in canonical form.
#include <fstream>
#include <memory>

#include <fmt/core.h>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "compose/codec.hpp"
#include "compose/emit.hpp"
#include "compose/hash.hpp"
#include "compose/profiles.hpp"

namespace stack::cli {
namespace {

struct ConfigOptions {
  std::string format = "yaml";
  bool quiet = false;
  bool services = false;
  bool volumes = false;
  bool networks = false;
  bool profiles = false;
  bool images = false;
  bool environment = false;
  std::string hash;
  bool no_interpolate = false;
  bool no_normalize = false;
  bool no_path_resolution = false;
  std::string output;
  std::vector<std::string> service_names;
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string render(const compose::Project& p, const ConfigOptions& o) {
  std::string out;
  if (o.services) {
    for (const auto& [name, s] : p.services) out += name + "\n";
  } else if (o.volumes) {
    for (const auto& [key, v] : p.volumes) out += key + "\n";
  } else if (o.networks) {
    for (const auto& [key, n] : p.networks) out += key + "\n";
  } else if (o.profiles) {
    for (const auto& name : compose::all_profiles(p)) out += name + "\n";
  } else if (o.images) {
    for (const auto& [name, s] : p.services) out += (s.image.empty() ? p.name + "-" + name : s.image) + "\n";
  } else if (o.environment) {
    for (const auto& [k, v] : p.environment) out += k + "=" + v + "\n";
  } else if (!o.hash.empty()) {
    std::vector<std::string> names = split_commas(o.hash);
    if (o.hash == "*") {
      names.clear();
      for (const auto& [name, s] : p.services) names.push_back(name);
    }
    for (const auto& name : names) {
      auto it = p.services.find(name);
      if (it == p.services.end()) throw Error("no such service: " + name);
      out += name + " " + compose::service_config_hash(it->second) + "\n";
    }
  } else {
    compose::Node model = compose::encode_project(p);
    if (!o.no_interpolate) compose::escape_dollars(model);
    out = o.format == "json" ? compose::emit_json(model) + "\n" : compose::emit_yaml(model);
  }
  return out;
}

void run(const GlobalOptions& global, const ConfigOptions& o) {
  compose::LoadOptions opts = load_options(global);
  opts.interpolate = !o.no_interpolate;
  opts.normalize = !o.no_normalize;
  opts.resolve_paths = !o.no_path_resolution;
  opts.services = o.service_names;
  compose::Project project = load_project_or_throw(opts);
  if (!o.service_names.empty()) {
    // Only the named services (and what the profiles pass enabled for them) are shown.
    for (auto it = project.services.begin(); it != project.services.end();) {
      bool named = std::find(o.service_names.begin(), o.service_names.end(), it->first) != o.service_names.end();
      bool needed = false;
      for (const auto& n : o.service_names) needed |= project.services.at(n).depends_on.count(it->first) > 0;
      it = named || needed ? std::next(it) : project.services.erase(it);
    }
  }
  if (o.quiet) return;
  std::string text = render(project, o);
  if (o.output.empty()) {
    fmt::print("{}", text);
    return;
  }
  std::ofstream file(o.output, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.flush()) throw Error("write " + o.output + ": cannot write the file");
}

}  // namespace

void add_config_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("config", "Parse, resolve and render compose file in canonical format");
  auto o = std::make_shared<ConfigOptions>();
  cmd->add_option("--format", o->format, "Format the output (yaml, json)")->check(CLI::IsMember({"yaml", "json"}));
  cmd->add_flag("-q,--quiet", o->quiet, "Only validate the configuration, don't print anything");
  cmd->add_flag("--services", o->services, "Print the service names, one per line");
  cmd->add_flag("--volumes", o->volumes, "Print the volume names, one per line");
  cmd->add_flag("--networks", o->networks, "Print the network names, one per line");
  cmd->add_flag("--profiles", o->profiles, "Print the profile names, one per line");
  cmd->add_flag("--images", o->images, "Print the image names, one per line");
  cmd->add_flag("--environment", o->environment, "Print the environment used for interpolation");
  cmd->add_option("--hash", o->hash, "Print the service config hash, one per line (\"*\" for all)");
  cmd->add_flag("--no-interpolate", o->no_interpolate, "Don't interpolate environment variables");
  cmd->add_flag("--no-normalize", o->no_normalize, "Don't normalize compose model");
  cmd->add_flag("--no-path-resolution", o->no_path_resolution, "Don't resolve file paths");
  cmd->add_option("-o,--output", o->output, "Save to file (default to stdout)");
  cmd->add_option("services", o->service_names, "Services to show");
  cmd->callback([&global, o, &exit_code] {
    run(global, *o);
    exit_code = 0;
  });
}

}  // namespace stack::cli
