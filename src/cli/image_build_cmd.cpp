// `stack image build` (docker build): an image from a Dockerfile and a build context.
#include <filesystem>
#include <memory>

#include <fmt/core.h>

#include "base/error.hpp"
#include "base/files.hpp"
#include "cli/commands.hpp"
#include "cli/container_flags.hpp"
#include "cli/engine_session.hpp"
#include "engine/build/builder.hpp"
#include "orchestrator/build_host.hpp"

namespace stack::cli {
namespace {

struct BuildFlags {
  std::string context, file, target;
  std::vector<std::string> tags, build_args;
  std::map<std::string, std::string> labels;
  bool no_cache = false, pull = false;
};

engine::build::BuildRequest request_of(const BuildFlags& f) {
  namespace fs = std::filesystem;
  engine::build::BuildRequest r;
  std::error_code ec;
  if (!fs::is_directory(f.context, ec)) throw Error("unable to prepare context: path \"" + f.context + "\" not found");
  r.context_dir = fs::canonical(f.context).string();
  if (f.file == "-") {
    r.dockerfile_text = base::read_stdin();
  } else if (!f.file.empty()) {
    r.dockerfile = fs::absolute(f.file).string();
  }
  r.build_args = resolve_env_map(f.build_args);
  r.labels = f.labels;
  r.target = f.target;
  r.tags = f.tags;
  r.no_cache = f.no_cache;
  r.pull = f.pull;
  return r;
}

}  // namespace

void add_image_build_command(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto f = std::make_shared<BuildFlags>();
  auto* cmd = family.add_subcommand("build", "Build an image from a Dockerfile");
  cmd->add_option("context", f->context, "Build context directory")->required()->type_name("PATH");
  add_list_option(*cmd, "-t,--tag", f->tags, "Name and optionally a tag (name:tag)");
  cmd->add_option("-f,--file", f->file, "Name of the Dockerfile (default: PATH/Dockerfile; - reads standard input)");
  add_list_option(*cmd, "--build-arg", f->build_args, "Set build-time variables (KEY=VALUE)");
  add_map(*cmd, "--label", f->labels, true, "Set metadata for an image (KEY=VALUE)");
  cmd->add_option("--target", f->target, "Set the target build stage to build");
  cmd->add_flag("--no-cache", f->no_cache, "Do not use cache when building the image");
  cmd->add_flag("--pull", f->pull, "Always attempt to pull a newer version of the image");
  cmd->callback([&g, &exit_code, f] {
    const engine::build::BuildRequest request = request_of(*f);
    EngineSession session(g);
    orchestrator::EngineBuildHost host(session.context(), stdout);
    engine::build::build_image(session.context().images, host, request);
    exit_code = 0;
  });
}

}  // namespace stack::cli
