#include "engine/build/builder.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/strings.hpp"
#include "base/utc_time.hpp"
#include "engine/build/build_state.hpp"
#include "engine/build/dockerfile_flags.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/reference.hpp"
#include "engine/image/store_index.hpp"

namespace stack::engine::build {
namespace {

Dockerfile read_dockerfile(const BuildRequest& request, std::string& name) {
  if (!request.dockerfile_text.empty()) {
    name = "Dockerfile";
    return parse_dockerfile(request.dockerfile_text, name);
  }
  const std::string path = request.dockerfile.empty() ? request.context_dir + "/Dockerfile" : request.dockerfile;
  const auto text = base::read_file_if_exists(path);
  if (!text) throw Error("failed to read Dockerfile: open " + path + ": no such file or directory");
  name = path.rfind(request.context_dir + "/", 0) == 0 ? path.substr(request.context_dir.size() + 1) : path;
  return parse_dockerfile(*text, name);
}

// The index of the stage a name or number refers to, or -1 (an image reference then).
int stage_index(const Dockerfile& file, const std::string& ref, size_t before) {
  const std::string name = base::to_lower(ref);
  for (size_t i = 0; i < before && i < file.stages.size(); ++i) {
    if (!file.stages[i].name.empty() && file.stages[i].name == name) return static_cast<int>(i);
  }
  if (!ref.empty() && std::all_of(ref.begin(), ref.end(), [](unsigned char c) { return std::isdigit(c); })) {
    const size_t n = std::stoul(ref);
    if (n < before) return static_cast<int>(n);
  }
  return -1;
}

// Global ARGs: their values for FROM lines (build args over defaults).
std::map<std::string, std::optional<std::string>> global_args(BuildRun& run, const Dockerfile& file) {
  std::map<std::string, std::optional<std::string>> args;
  for (const Instruction& in : file.global_args) {
    const Lookup lookup = [&](std::string_view n) -> std::optional<std::string> {
      auto it = args.find(std::string(n));
      return it == args.end() ? std::nullopt : it->second;
    };
    for (auto& [name, value] : expand_arg_decls(in.args.at(0), lookup, file.escape)) {
      auto given = run.request.build_args.find(name);
      if (given != run.request.build_args.end()) {
        value = given->second;
        run.consumed_args.insert(name);
      }
      args[name] = value;
    }
  }
  return args;
}

// The stages the target needs: itself and every stage it (transitively) copies from or
// builds on, so unrelated stages are not built (as BuildKit skips them).
std::vector<size_t> needed_stages(const Dockerfile& file, size_t target) {
  std::set<size_t> needed{target};
  for (size_t i = target + 1; i-- > 0;) {
    if (!needed.count(i)) continue;
    const Stage& stage = file.stages[i];
    if (int from = stage_index(file, stage.base, i); from >= 0) needed.insert(static_cast<size_t>(from));
    for (const Instruction& in : stage.instructions) {
      const std::string from_flag = flag_value(in.flags, "from");
      if ((in.keyword == "COPY" || in.keyword == "ADD") && !from_flag.empty()) {
        if (int s = stage_index(file, from_flag, i); s >= 0) needed.insert(static_cast<size_t>(s));
      }
    }
  }
  return {needed.begin(), needed.end()};
}

size_t target_stage(const Dockerfile& file, const std::string& target) {
  if (target.empty()) return file.stages.size() - 1;
  for (size_t i = 0; i < file.stages.size(); ++i) {
    if (file.stages[i].name == base::to_lower(target)) return i;
  }
  throw Error("failed to reach build target " + target + " in Dockerfile");
}

void say_step(BuildRun& run, const std::string& text) {
  run.host.say("Step " + std::to_string(++run.step) + "/" + std::to_string(run.total_steps) + " : " + text);
}

// FROM: the base image's layers and config, a stage built before, or nothing (scratch).
ImageState from_state(BuildRun& run, const Dockerfile& file, size_t index, const Lookup& globals) {
  const Stage& stage = file.stages[index];
  const std::string base = expand_word(stage.base, globals, file.escape);
  say_step(run, "FROM " + base + (stage.name.empty() ? "" : " AS " + stage.name));
  if (base.empty()) throw Error(run.file_name + ":" + std::to_string(stage.line) + ": FROM: base name should not be blank");
  ImageState state;
  if (const int from = stage_index(file, base, index); from >= 0) {
    state = run.finished.at(std::to_string(from));
    state.config.config.onbuild.clear();
  } else if (base::to_lower(base) == "scratch") {
    state.key = BuildCache::key("", "scratch");
  } else {
    const image::ImageEntry entry = run.host.base_image(base, run.request.pull);
    state.config = run.store.config(entry.record);
    state.layers = entry.record.layers;
    state.key = BuildCache::key("", entry.record.id);
    run.host.say(" ---> " + image::short_digest(entry.record.id));
  }
  return state;
}

bool apply(StageRun& stage, const Instruction& in) {
  const std::string& k = in.keyword;
  if (k == "ARG") return apply_arg(stage, in);
  if (k == "RUN") return apply_run(stage, in);
  if (k == "COPY" || k == "ADD") return apply_copy(stage, in);
  if (k == "WORKDIR") return apply_workdir(stage, in);
  return apply_config_step(stage, in);
}

// ONBUILD triggers of the base image run first, each parsed as its own instruction.
std::vector<Instruction> onbuild_triggers(const BuildRun& run, const ImageState& state) {
  std::vector<Instruction> out;
  for (const std::string& trigger : state.config.config.onbuild) {
    Dockerfile f = parse_dockerfile("FROM scratch\n" + trigger + "\n", run.file_name + " (ONBUILD of the base image)");
    for (Instruction& in : f.stages.at(0).instructions) out.push_back(std::move(in));
  }
  return out;
}

// Global ARGs are visible inside a stage only once re-declared there (apply_arg).
void build_stage(BuildRun& run, const Dockerfile& file, size_t index, const Lookup& globals) {
  StageRun stage{run, from_state(run, file, index, globals), {}};
  const std::vector<Instruction> triggers = onbuild_triggers(run, stage.state);
  stage.state.config.config.onbuild.clear();
  run.total_steps += static_cast<int>(triggers.size());
  for (const Instruction& in : triggers) {
    say_step(run, in.original);
    if (apply(stage, in)) ++run.cached;
  }
  for (const Instruction& in : file.stages[index].instructions) {
    say_step(run, in.original);
    if (apply(stage, in)) ++run.cached;
  }
  run.finished[std::to_string(index)] = stage.state;
  if (!file.stages[index].name.empty()) run.finished[file.stages[index].name] = stage.state;
}

std::string record_image(BuildRun& run, ImageState& state, std::vector<std::string>& references) {
  image::ImageConfig& config = state.config;
  for (const auto& [k, v] : run.request.labels) config.config.labels[k] = v;
  config.architecture = "amd64";
  config.os = "linux";
  config.diff_ids.clear();
  for (const auto& layer : state.layers) config.diff_ids.push_back(layer.diff_id);
  if (!config.history.empty()) config.created = config.history.back().created;
  const std::string config_json = image::serialize_image_config(config);
  const std::string id = run.store.put_blob(config_json);

  image::Manifest manifest;
  manifest.media_type = std::string(image::media_type::kOciManifest);
  manifest.config = {std::string(image::media_type::kOciConfig), id, static_cast<int64_t>(config_json.size()), {}, {}};
  for (const auto& layer : state.layers) manifest.layers.push_back({layer.media_type, layer.digest, layer.size, {}, {}});
  image::ImageRecord record;
  record.id = id;
  record.manifest_digest = run.store.put_blob(image::serialize_manifest(manifest));
  record.manifest_media_type = manifest.media_type;
  record.layers = state.layers;
  for (const std::string& tag : run.request.tags) references.push_back(image::index::key_of(image::parse_reference(tag)));
  run.store.add_image(record, references);
  return id;
}

}  // namespace

BuildResult build_image(const image::ImageStore& store, BuildHost& host, const BuildRequest& request) {
  // Tags are checked before anything runs.
  for (const std::string& tag : request.tags) image::parse_reference(tag);
  BuildRun run(store, host, request);
  const Dockerfile file = read_dockerfile(request, run.file_name);
  run.escape = file.escape;
  const size_t target = target_stage(file, request.target);
  const std::vector<size_t> stages = needed_stages(file, target);
  for (size_t i : stages) run.total_steps += 1 + static_cast<int>(file.stages[i].instructions.size());

  run.global_args = global_args(run, file);
  const Lookup lookup = [&](std::string_view n) -> std::optional<std::string> {
    auto it = run.global_args.find(std::string(n));
    return it == run.global_args.end() ? std::nullopt : it->second;
  };
  // Adding content: a prune waits until the image names the layers made here.
  base::FileLock lock = store.lock_for_adding();
  for (size_t i : stages) build_stage(run, file, i, lookup);

  std::vector<std::string> unused;
  for (const auto& [name, value] : request.build_args) {
    if (!run.consumed_args.count(name)) unused.push_back(name);
  }
  if (!unused.empty()) {
    std::string list;
    for (const auto& n : unused) list += (list.empty() ? "" : " ") + n;
    host.say("[Warning] One or more build-args [" + list + "] were not consumed");
  }
  BuildResult result;
  result.image_id = record_image(run, run.finished.at(std::to_string(target)), result.references);
  result.steps = run.step;
  result.cached = run.cached;
  host.say("Successfully built " + image::short_digest(result.image_id));
  for (const std::string& tag : request.tags) host.say("Successfully tagged " + tag);
  return result;
}

}  // namespace stack::engine::build
