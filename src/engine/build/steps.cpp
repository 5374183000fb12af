// The instructions that change only the image config, ARG, and what every step shares:
// the cache lookup and the history entry.
#include <algorithm>

#include "base/duration.hpp"
#include "base/error.hpp"
#include "base/strings.hpp"
#include "base/utc_time.hpp"
#include "engine/build/build_state.hpp"

namespace stack::engine::build {
namespace {

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  const std::string prefix = key + "=";
  auto it = std::find_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
  if (it != env.end()) {
    *it = prefix + value;
  } else {
    env.push_back(prefix + value);
  }
}

void add_sorted(std::vector<std::string>& set, const std::string& value) {
  if (std::find(set.begin(), set.end(), value) == set.end()) set.push_back(value);
  std::sort(set.begin(), set.end());
}

std::vector<std::string> command_of(const StageRun& stage, const Instruction& in) {
  if (in.json) return in.args;
  std::vector<std::string> out = stage.shell();
  out.push_back(in.args.empty() ? std::string() : in.args[0]);
  return out;
}

// EXPOSE 80, 80/udp, 8000-8002/tcp -> "80/tcp", "80/udp", "8000/tcp", ...
void expose(StageRun& stage, const Instruction& in, const std::string& word) {
  std::string ports = word, proto = "tcp";
  if (const size_t slash = word.find('/'); slash != std::string::npos) {
    ports = word.substr(0, slash);
    proto = base::to_lower(word.substr(slash + 1));
  }
  if (proto != "tcp" && proto != "udp" && proto != "sctp") throw Error(stage.where(in) + "invalid proto: " + proto);
  const size_t dash = ports.find('-');
  try {
    size_t used = 0;
    const int first = std::stoi(ports.substr(0, dash), &used);
    if (used != ports.substr(0, dash).size()) throw std::invalid_argument(ports);
    const int last = dash == std::string::npos ? first : std::stoi(ports.substr(dash + 1));
    if (first < 0 || last > 65535 || last < first) throw std::invalid_argument(ports);
    for (int p = first; p <= last; ++p) add_sorted(stage.state.config.config.exposed_ports, std::to_string(p) + "/" + proto);
  } catch (const std::logic_error&) {
    throw Error(stage.where(in) + "invalid containerPort: " + ports);
  }
}

int64_t duration_flag(const StageRun& stage, const Instruction& in, const std::string& value) {
  try {
    return base::parse_duration(value);
  } catch (const Error& e) {
    throw Error(stage.where(in) + e.what());
  }
}

image::HealthConfig healthcheck(const StageRun& stage, const Instruction& in) {
  image::HealthConfig h;
  const Instruction& sub = in.sub.at(0);
  if (sub.keyword == "NONE") {
    h.test = {"NONE"};
    return h;
  }
  if (sub.json) {
    h.test = {"CMD"};
    h.test.insert(h.test.end(), sub.args.begin(), sub.args.end());
  } else {
    h.test = {"CMD-SHELL", sub.args.empty() ? std::string() : sub.args[0]};
  }
  for (const std::string& flag : in.flags) {
    const size_t eq = flag.find('=');
    const std::string name = flag.substr(0, eq), value = eq == std::string::npos ? "" : flag.substr(eq + 1);
    if (name == "--interval") h.interval_ns = duration_flag(stage, in, value);
    if (name == "--timeout") h.timeout_ns = duration_flag(stage, in, value);
    if (name == "--start-period") h.start_period_ns = duration_flag(stage, in, value);
    if (name == "--start-interval") h.start_interval_ns = duration_flag(stage, in, value);
    if (name == "--retries") {
      try {
        h.retries = std::stoi(value);
      } catch (const std::logic_error&) {
        throw Error(stage.where(in) + "invalid --retries: " + value);
      }
    }
  }
  return h;
}

// Applies a config-only instruction to `d`.
void change_config(StageRun& stage, const Instruction& in, image::ContainerDefaults& d) {
  const std::string& k = in.keyword;
  const Lookup lookup = stage.lookup();
  const char esc = stage.build.escape;
  const std::string text = in.args.empty() ? std::string() : in.args[0];
  if (k == "ENV") {
    for (const auto& [key, value] : expand_key_values(text, lookup, esc)) set_env(d.env, key, value);
  } else if (k == "LABEL") {
    for (const auto& [key, value] : expand_key_values(text, lookup, esc)) d.labels[key] = value;
  } else if (k == "USER") {
    d.user = expand_word(text, lookup, esc);
  } else if (k == "CMD") {
    d.cmd = command_of(stage, in);
    stage.cmd_set = true;
  } else if (k == "ENTRYPOINT") {
    d.entrypoint = command_of(stage, in);
    if (!stage.cmd_set) d.cmd.clear();  // the base image's CMD goes with its entrypoint
  } else if (k == "EXPOSE") {
    // EXPOSE alone splits an expanded value again ("EXPOSE $PORTS" with PORTS="80 443").
    for (const std::string& word : expand_words(text, lookup, esc)) {
      for (const std::string& port : expand_words(word, [](std::string_view) { return std::nullopt; }, esc))
        expose(stage, in, port);
    }
  } else if (k == "VOLUME") {
    for (const std::string& v : in.json ? in.args : expand_words(text, lookup, esc)) {
      if (v.empty()) throw Error(stage.where(in) + "VOLUME specified can not be an empty string");
      add_sorted(d.volumes, v);
    }
  } else if (k == "STOPSIGNAL") {
    d.stop_signal = expand_word(text, lookup, esc);
  } else if (k == "SHELL") {
    d.shell = in.args;
  } else if (k == "HEALTHCHECK") {
    d.healthcheck = healthcheck(stage, in);
  } else if (k == "ONBUILD") {
    d.onbuild.push_back(in.sub.at(0).original);
  } else if (k != "MAINTAINER") {
    throw Error(stage.where(in) + "unsupported instruction");
  }
}

}  // namespace

std::vector<std::string> ImageState::lower_dirs(const image::ImageStore& store) const {
  std::vector<std::string> dirs;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) dirs.push_back(store.layer_dir(it->diff_id));
  return dirs;
}

Lookup StageRun::lookup() const {
  return [this](std::string_view name) -> std::optional<std::string> {
    const std::string prefix = std::string(name) + "=";
    for (const std::string& e : state.config.config.env) {
      if (e.rfind(prefix, 0) == 0) return e.substr(prefix.size());
    }
    auto it = args.find(std::string(name));
    return it == args.end() ? std::nullopt : it->second;
  };
}

std::vector<std::string> StageRun::run_env() const {
  std::vector<std::string> env = state.config.config.env;
  for (const auto& [name, value] : args) {
    const std::string prefix = name + "=";
    const bool shadowed = std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    if (value && !shadowed) env.push_back(prefix + *value);
  }
  return env;
}

std::string StageRun::args_text() const {
  std::string text;
  for (const auto& [name, value] : args) {
    if (value) text += name + "=" + *value + "\n";
  }
  return text;
}

std::string StageRun::where(const Instruction& in) const {
  return build.file_name + ":" + std::to_string(in.line) + ": " + in.original + ": ";
}

std::vector<std::string> StageRun::shell() const {
  const auto& shell = state.config.config.shell;
  return shell.empty() ? std::vector<std::string>{"/bin/sh", "-c"} : shell;
}

bool cached_or_made(StageRun& stage, const std::string& step_key_text, const std::string& created_by,
                    const std::function<std::optional<image::LayerRecord>()>& make) {
  BuildRun& run = stage.build;
  const std::string key = BuildCache::key(stage.state.key, step_key_text);
  std::optional<CachedStep> step = run.request.no_cache ? std::nullopt : run.cache.find(key);
  const bool hit = step.has_value();
  if (hit) {
    run.host.say(" ---> Using cache");
  } else {
    CachedStep made;
    made.layer = make();
    made.created = base::utc_now_rfc3339();
    run.cache.put(key, made);
    step = made;
  }
  if (step->layer) stage.state.layers.push_back(*step->layer);
  stage.state.config.history.push_back({step->created, created_by, "", !step->layer});
  stage.state.key = key;
  return hit;
}

bool apply_config_step(StageRun& stage, const Instruction& in) {
  image::ContainerDefaults& d = stage.state.config.config;
  if (in.keyword == "MAINTAINER") stage.state.config.author = in.args.empty() ? "" : in.args[0];
  change_config(stage, in, d);
  // The key holds the config the step leaves, so equal configs share the cache.
  image::ImageConfig only_defaults;
  only_defaults.config = d;
  only_defaults.author = stage.state.config.author;
  return cached_or_made(stage, in.keyword + "\n" + image::serialize_image_config(only_defaults), in.original,
                        [] { return std::nullopt; });
}

bool apply_arg(StageRun& stage, const Instruction& in) {
  BuildRun& run = stage.build;
  for (auto& [name, value] : expand_arg_decls(in.args.at(0), stage.lookup(), run.escape)) {
    if (auto given = run.request.build_args.find(name); given != run.request.build_args.end()) {
      value = given->second;
      run.consumed_args.insert(name);
    } else if (!value) {
      auto global = run.global_args.find(name);
      if (global != run.global_args.end()) value = global->second;
    }
    stage.args[name] = value;
    stage.state.key = BuildCache::key(stage.state.key, "ARG " + name + (value ? "=" + *value : ""));
  }
  return false;
}

}  // namespace stack::engine::build
