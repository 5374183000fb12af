#include "cli/engine_session.hpp"

#include <unistd.h>

#include <fmt/core.h>

#include "cli/container_engine.hpp"
#include "cli/image_engine.hpp"
#include "cli/volume_engine.hpp"
#include "orchestrator/net_network_driver.hpp"

namespace stack::cli {
namespace {

orchestrator::ProgressMode progress_mode(const GlobalOptions& g) {
  using orchestrator::ProgressMode;
  if (g.progress == "quiet") return ProgressMode::Quiet;
  if (g.progress == "json") return ProgressMode::Json;
  if (g.progress == "plain" || g.ansi == "never") return ProgressMode::Plain;
  return g.progress == "tty" || ::isatty(2) ? ProgressMode::Tty : ProgressMode::Plain;
}

}  // namespace

EngineSession::EngineSession(const GlobalOptions& g)
    : containers_(containers_from(g)),
      images_(image_store_from(g)),
      volumes_(volume_store_from(g)),
      network_(orchestrator::make_net_network_driver(containers_.layout().roots().root, containers_.layout().roots().run_root,
                                                     [](const std::string& text) { fmt::print(stderr, "{}\n", text); })),
      progress_(orchestrator::make_progress(stderr, progress_mode(g))) {
  context_ = std::make_unique<orchestrator::Context>(
      orchestrator::Context{containers_, images_, volumes_, *network_, *progress_, registry_options(g)});
}

}  // namespace stack::cli
