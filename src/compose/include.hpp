// Pass: `include:` — other compose projects loaded as parts of this one.
//   include:
//     - other/compose.yaml                     (short form)
//     - path: [a.yaml, b.yaml]                 (long form; path may be a string)
//       project_directory: other
//       env_file: [other/.env]
// Each included project is loaded on its own (its own project directory for relative
// paths, its own env file) and its services, networks, volumes, secrets and configs are
// added to this file's tree. A resource defined differently on both sides is a conflict.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compose/node.hpp"

namespace stack::compose {

struct IncludeRequest {
  std::vector<std::string> files;  // absolute
  std::string project_directory;   // absolute
  std::vector<std::string> env_files;  // absolute; empty: <project_directory>/.env if present
  Mark mark;                       // of the include entry, for errors
};

// Loads an included project to its merged tree (the loader supplies it; it also detects cycles).
using IncludeLoader = std::function<Node(const IncludeRequest&)>;

// Resolves `root`'s include: key (relative paths against `file_dir`) and removes it.
void apply_include(Node& root, const std::string& file_dir, const IncludeLoader& load);

}  // namespace stack::compose
