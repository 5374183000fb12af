// RUN: the command in a container made from the image so far; its changes become a layer.
#include "base/error.hpp"
#include "engine/build/build_state.hpp"
#include "engine/image/layer_diff.hpp"

namespace stack::engine::build {
namespace {

// The shell-form command. A heredoc that is the whole command is the script itself
// (`RUN <<EOF` ... `EOF`); otherwise the shell gets the line and the heredoc bodies and
// reads them as its own here-documents (`RUN cat <<EOF > /etc/motd`).
std::string shell_command(const Instruction& in) {
  std::string line = in.args.empty() ? std::string() : in.args[0];
  if (in.heredocs.empty()) return line;
  const Heredoc& first = in.heredocs.front();
  std::string trimmed = line;
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  if (in.heredocs.size() == 1 && trimmed.rfind("<<", 0) == 0 && trimmed.find(' ') == std::string::npos) {
    return first.content;
  }
  for (const Heredoc& doc : in.heredocs) line += "\n" + doc.content + doc.name;
  return line;
}

std::string network_of(const StageRun& stage, const Instruction& in) {
  std::string network = stage.build.request.network;
  for (const std::string& flag : in.flags) {
    if (flag.rfind("--network=", 0) == 0) {
      network = flag.substr(10);
    } else {
      // BuildKit's RUN --mount (caches, secrets) and --security need its solver.
      throw Error(stage.where(in) + flag.substr(0, flag.find('=')) + " is not supported by this builder");
    }
  }
  if (network != "default" && network != "none" && network != "host")
    throw Error(stage.where(in) + "unsupported network mode \"" + network + "\" (default, none or host)");
  return network;
}

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

bool apply_run(StageRun& stage, const Instruction& in) {
  RunStep step;
  if (in.json) {
    step.args = in.args;
  } else {
    step.args = stage.shell();
    step.args.push_back(shell_command(in));
  }
  if (step.args.empty()) throw Error(stage.where(in) + "no command given");
  step.network = network_of(stage, in);
  const image::ContainerDefaults& d = stage.state.config.config;
  step.env = stage.run_env();
  step.user = d.user;
  step.workdir = d.working_dir.empty() ? "/" : d.working_dir;
  step.description = in.original;

  std::string key_text = "RUN\n" + step.network + "\n" + stage.args_text();
  for (const std::string& a : step.args) key_text += a + '\0';
  const std::string created_by = "RUN " + joined(step.args);
  return cached_or_made(stage, key_text, created_by, [&]() -> std::optional<image::LayerRecord> {
    step.lower_dirs = stage.state.lower_dirs(stage.build.store);
    std::optional<image::LayerRecord> layer;
    const int status = stage.build.host.run(step, [&](const std::string& upper) {
      layer = image::commit_diff(stage.build.store, upper);
    });
    if (status != 0) {
      throw Error(stage.where(in) + "the command '" + joined(step.args) + "' returned a non-zero code: " +
                  std::to_string(status));
    }
    return layer;
  });
}

}  // namespace stack::engine::build
