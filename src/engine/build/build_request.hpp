// What a build is asked for (`stack image build`, compose `build:`) and what it needs
// from outside the engine: base images (found or pulled) and a way to run a RUN step
// in a container (which needs a network namespace, prepared by `net`, which the engine
// must not know: DESIGN section 3).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/image/store.hpp"

namespace stack::engine::build {

struct BuildRequest {
  std::string context_dir;      // absolute
  std::string dockerfile;       // path; "" -> <context_dir>/Dockerfile
  std::string dockerfile_text;  // compose dockerfile_inline: used instead of reading a file
  std::map<std::string, std::string> build_args;  // --build-arg, build.args
  std::string target;                             // --target: the stage to stop at ("" -> the last)
  std::vector<std::string> tags;                  // "name[:tag]" as the user typed them
  std::map<std::string, std::string> labels;      // --label, build.labels
  bool no_cache = false;
  bool pull = false;  // pull FROM images even when they are in the store
  std::string network = "default";  // RUN's network when it has no --network: default, none, host
};

struct BuildResult {
  std::string image_id;                 // "sha256:..."
  std::vector<std::string> references;  // the tags, normalized
  int steps = 0;                        // instructions executed (FROM included)
  int cached = 0;                       // of which taken from the build cache
};

// A RUN instruction, ready to run.
struct RunStep {
  std::vector<std::string> lower_dirs;  // the image so far, topmost first
  std::vector<std::string> args;        // ["/bin/sh", "-c", "make"]
  std::vector<std::string> env;         // "KEY=value": ENV values, then ARG values not shadowed by ENV
  std::string user;                     // USER, "" for root
  std::string workdir;                  // WORKDIR, "/" when none
  std::string network;                  // RUN --network: "default", "none" or "host"
  std::string description;              // "RUN make" for messages and the container's labels
};

class BuildHost {
 public:
  virtual ~BuildHost() = default;
  // The image a FROM names, pulled when missing (always when `pull`). Throws stack::Error
  // saying why it is not available.
  virtual image::ImageEntry base_image(const std::string& reference, bool pull) = 0;
  // Runs `step` in a new container whose output goes to the user; once it exited with
  // status 0, calls `capture` with its overlay upper directory (before removing it).
  // Returns the exit status (128+N for a signal).
  virtual int run(const RunStep& step, const std::function<void(const std::string& upper_dir)>& capture) = 0;
  // One line of progress ("Step 2/5 : RUN make").
  virtual void say(const std::string& line) = 0;
};

}  // namespace stack::engine::build
