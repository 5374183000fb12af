// The compose loader: files on disk -> a typed, normalized, validated Project.
//
// Pipeline (each pass in its own file):
//   discover files -> .env -> parse (parse.hpp) -> interpolate (interpolate.hpp)
//   -> relative paths (paths.hpp) -> include -> extends (extends.hpp) -> merge (merge.hpp)
//   -> decode to the model (codec.hpp) -> profiles -> normalize (normalize.hpp)
//   -> validate (validate.hpp) -> graph check (graph.hpp)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compose/environment.hpp"
#include "compose/model.hpp"

namespace stack::compose {

struct LoadOptions {
  std::vector<std::string> files;        // -f, in order; "-" is standard input
  std::string project_directory;         // --project-directory
  std::string project_name;              // -p
  std::vector<std::string> profiles;     // --profile
  std::vector<std::string> env_files;    // --env-file
  std::vector<std::string> services;     // services named on the command line (enable profiles)
  Environment environ;                   // the process environment
  std::string working_dir;               // the current directory
  std::string home;                      // for "~"
  bool interpolate = true;               // false: --no-interpolate
  bool normalize = true;                 // false: --no-normalize
  bool resolve_paths = true;
  std::function<std::string()> read_stdin;  // for "-f -"; default reads std::cin
};

struct LoadResult {
  Project project;
  Warnings warnings;
};

LoadResult load_project(const LoadOptions& options);

}  // namespace stack::compose
