// Pass: make the relative paths of one file's tree absolute against `base_dir`, and
// expand a leading `~` with `home`. Run once per file with the right base: the project
// directory for the main and override files, the file's own directory for a file
// reached through `extends`, the included project's directory for `include`.
// Path-bearing keys: services.*.build (string) and build.context (unless a URL),
// services.*.env_file (all forms), services.*.label_file, services.*.volumes (short
// syntax bind sources starting with "." or "~", long syntax type bind), services.*.extends.file,
// secrets.*.file, configs.*.file, include entries' path/env_file/project_directory are
// left to the include pass.
#pragma once

#include <string>

#include "compose/node.hpp"

namespace stack::compose {

void resolve_relative_paths(Node& root, const std::string& base_dir, const std::string& home);

}  // namespace stack::compose
