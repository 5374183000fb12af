// Which compose files make the project, and what the project is called: compose's
// file discovery (-f, COMPOSE_FILE, search upward) and project name rules (-p,
// COMPOSE_PROJECT_NAME, top-level name:, directory name).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compose/environment.hpp"

namespace stack::compose {

// Which compose files to load. explicit_files (-f, in order): resolved against working_dir,
// "-" kept as is (stdin). Else COMPOSE_FILE from env split on COMPOSE_PATH_SEPARATOR
// (default ":"), resolved against working_dir (empty entries skipped, "-" kept). Else search
// working_dir and then its parents for the first directory holding compose.yaml, compose.yml,
// docker-compose.yml or docker-compose.yaml (that preference order; when several exist, warn
// "Found multiple config files with supported names: <a>, <b>" and "Using <a>"), and add its
// override file when present. Like compose, the override is the first of
// compose.override.yml, compose.override.yaml, docker-compose.override.yml,
// docker-compose.override.yaml whatever the main file's name (several -> the same two
// warnings with "override files"). Nothing found -> stack::Error
// "no configuration file provided: not found". An explicit or COMPOSE_FILE file that does not
// exist -> stack::Error "open <abs path>: no such file or directory". Paths returned absolute.
std::vector<std::string> find_compose_files(const std::vector<std::string>& explicit_files,
                                            const Environment& env, const std::string& working_dir,
                                            Warnings* warnings);

// Lowercase; drop every char outside [a-z0-9_-]; drop leading '_' and '-'.
std::string normalize_project_name(std::string_view name);

// Throws stack::Error `<source>: invalid project name "<name>": must consist only of lowercase
// alphanumeric characters, hyphens, and underscores as well as start with a letter or number`
// (compose's text, with `source` such as "-p" or "COMPOSE_PROJECT_NAME" in front).
void validate_project_name(std::string_view name, std::string_view source);

// Precedence: flag (-p, validated, not normalized), env COMPOSE_PROJECT_NAME (validated),
// yaml_name (top-level name:, normalized), basename of project_dir (normalized). Empty values
// are skipped, and so is a yaml name that normalizes to nothing (as compose does).
// A result that is empty after normalization -> stack::Error
// "project name must not be empty: use -p <name> to set one".
std::string resolve_project_name(const std::string& flag, const Environment& env,
                                 const std::string& yaml_name, const std::string& project_dir);

}  // namespace stack::compose
