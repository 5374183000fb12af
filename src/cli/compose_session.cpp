#include "cli/compose_session.hpp"

#include <unistd.h>

#include <fmt/core.h>

#include "cli/container_engine.hpp"
#include "cli/image_engine.hpp"
#include "cli/volume_engine.hpp"
#include "orchestrator/net_network_driver.hpp"

namespace stack::cli {
namespace {

compose::Project load(const GlobalOptions& g, const std::vector<std::string>& services, bool project_only) {
  compose::LoadOptions opts = load_options(g);
  opts.services = services;
  try {
    return load_project_or_throw(opts);
  } catch (const Error&) {
    if (!project_only || g.project_name.empty()) throw;
    compose::Project p;
    p.name = g.project_name;
    return p;
  }
}

orchestrator::ProgressMode progress_mode(const GlobalOptions& g) {
  using orchestrator::ProgressMode;
  if (g.progress == "quiet") return ProgressMode::Quiet;
  if (g.progress == "json") return ProgressMode::Json;
  if (g.progress == "plain" || g.ansi == "never") return ProgressMode::Plain;
  return g.progress == "tty" || ::isatty(2) ? ProgressMode::Tty : ProgressMode::Plain;
}

}  // namespace

ComposeSession::ComposeSession(const GlobalOptions& g, const std::vector<std::string>& services, bool project_only)
    : project_(load(g, services, project_only)),
      containers_(containers_from(g)),
      images_(image_store_from(g)),
      volumes_(volume_store_from(g)),
      network_(orchestrator::make_net_network_driver(containers_.layout().roots().root, containers_.layout().roots().run_root,
                                                     [](const std::string& text) { fmt::print(stderr, "{}\n", text); })),
      progress_(orchestrator::make_line_progress(stderr, progress_mode(g))) {
  context_ = std::make_unique<orchestrator::Context>(
      orchestrator::Context{containers_, images_, volumes_, *network_, *progress_, registry_options(g)});
}

std::string short_name(const std::string& project, const std::string& name) {
  const std::string prefix = project + "-";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

}  // namespace stack::cli
