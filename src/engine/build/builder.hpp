// The builder: runs a Dockerfile's stages against the image store, as Docker's classic
// builder does (one layer per RUN, COPY and ADD, config changes for the rest; each step
// reused from the build cache when nothing it depends on changed), and records the
// target stage as an image. Output is the classic builder's ("Step 2/7 : RUN make",
// " ---> Using cache", " ---> 3f57d9401f8d", "Successfully built ...").
//
// A failing step throws stack::Error naming the file, line, instruction and cause
// ("Dockerfile:4: RUN false: the command '/bin/sh -c false' returned a non-zero code: 1");
// no image is recorded then (the layers of the steps that succeeded stay as cache).
#pragma once

#include "engine/build/build_request.hpp"
#include "engine/image/store.hpp"

namespace stack::engine::build {

BuildResult build_image(const image::ImageStore& store, BuildHost& host, const BuildRequest& request);

}  // namespace stack::engine::build
