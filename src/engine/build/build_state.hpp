// The state of one stage while it is built: the image so far (layers and config), the
// cache key chained through its steps, and the ARGs in scope. Internal to the builder.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/build/build_cache.hpp"
#include "engine/build/build_request.hpp"
#include "engine/build/dockerfile.hpp"
#include "engine/build/words.hpp"
#include "engine/image/oci.hpp"
#include "engine/image/store.hpp"

namespace stack::engine::build {

struct ImageState {
  std::vector<image::LayerRecord> layers;  // bottom first
  image::ImageConfig config;
  std::string key;  // the cache key of the last step

  std::vector<std::string> lower_dirs(const image::ImageStore& store) const;  // topmost first
};

// What the steps of a build share.
struct BuildRun {
  BuildRun(const image::ImageStore& s, BuildHost& h, const BuildRequest& r) : store(s), host(h), request(r), cache(s) {}

  const image::ImageStore& store;
  BuildHost& host;
  const BuildRequest& request;
  BuildCache cache;
  char escape = '\\';
  std::string file_name;                       // "Dockerfile", for messages
  std::set<std::string> consumed_args;         // build args some ARG declared
  std::map<std::string, std::optional<std::string>> global_args;  // ARGs before the first FROM, with values
  std::map<std::string, ImageState> finished;  // stages done, by name and by index ("0", "1", ...)
  int step = 0, total_steps = 0, cached = 0;
};

struct StageRun {
  BuildRun& build;
  ImageState state;
  std::map<std::string, std::optional<std::string>> args;  // ARGs declared in this stage
  bool cmd_set = false;  // a CMD in this stage (an ENTRYPOINT then keeps it)

  // ENV values first, then ARGs (ENV wins, as Docker expands).
  Lookup lookup() const;
  // What RUN sees: ENV, then ARGs that ENV does not set.
  std::vector<std::string> run_env() const;
  // ARGs with values, "K=V" sorted: part of a RUN's cache key.
  std::string args_text() const;
  // Error prefix: "Dockerfile:4: RUN false: ".
  std::string where(const Instruction& in) const;
  // The shell form's program: SHELL, or ["/bin/sh", "-c"].
  std::vector<std::string> shell() const;
};

// Steps, one per instruction (steps.cpp, fs_steps.cpp, run_step.cpp). Each updates
// stage.state (config, layers, key) and returns whether it came from the cache.
bool apply_config_step(StageRun& stage, const Instruction& in);  // ENV, LABEL, USER, CMD, ...
bool apply_arg(StageRun& stage, const Instruction& in);
bool apply_run(StageRun& stage, const Instruction& in);
bool apply_copy(StageRun& stage, const Instruction& in);  // COPY and ADD
bool apply_workdir(StageRun& stage, const Instruction& in);

// A step's outcome, from the cache or made now by `make` (which returns the layer it
// produced, if any). Appends the layer and a history entry; advances the key.
bool cached_or_made(StageRun& stage, const std::string& step_key_text, const std::string& created_by,
                    const std::function<std::optional<image::LayerRecord>()>& make);

}  // namespace stack::engine::build
