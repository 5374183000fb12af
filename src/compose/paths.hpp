// Pass: make the relative paths of one file's tree absolute against `base_dir`, and
// expand a leading `~` with `home`. Run once per file with the right base: the project
// directory for the main and override files, the file's own directory for a file
// reached through `extends`, the included project's directory for `include`.
// Path-bearing keys: services.*.build (string) and build.context (unless remote: contains
// "://", starts with "git@" or "github.com/"), build.additional_contexts (same exceptions,
// and "target:" stage references), services.*.env_file (string, list of strings, list of
// {path, required}), services.*.label_file, services.*.volumes (short syntax bind sources
// starting with "." or "~", the rest of the entry kept; long syntax type bind: source),
// services.*.extends.file, secrets.*.file, configs.*.file, and the device of top-level
// volumes with driver local and `o: bind` in driver_opts. Include entries' path/env_file/
// project_directory are left to the include pass.
#pragma once

#include <string>
#include <string_view>

#include "compose/node.hpp"

namespace stack::compose {

// Build contexts may be remote, and are then not paths: URLs of any scheme ("://"),
// git SSH ("git@...") and GitHub shorthands ("github.com/...").
bool is_remote_context(std::string_view context);

void resolve_relative_paths(Node& root, const std::string& base_dir, const std::string& home);

}  // namespace stack::compose
