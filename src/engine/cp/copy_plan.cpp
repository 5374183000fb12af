#include "engine/cp/copy_plan.hpp"

#include <filesystem>

#include "base/error.hpp"
#include "engine/cp/fs_view.hpp"

namespace stack::engine::cp {

CopyArgument split_copy_argument(const std::string& arg) {
  if (!arg.empty() && arg.front() == '/') return {"", arg};
  const size_t colon = arg.find(':');
  // No colon, or an explicit local relative path such as "./file:name.txt".
  if (colon == std::string::npos || arg.front() == '.') return {"", arg};
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

Direction copy_direction(const CopyArgument& source, const CopyArgument& destination) {
  if (!source.container.empty() && !destination.container.empty())
    throw Error("copying between containers is not supported");
  if (!source.container.empty()) return Direction::FromContainer;
  if (!destination.container.empty()) return Direction::ToContainer;
  throw Error("must specify at least one container source", "name a container as CONTAINER:PATH");
}

bool copies_contents(const std::string& path) { return path == "." || path.ends_with("/."); }

bool asserts_directory(const std::string& path) { return path.ends_with("/") || copies_contents(path); }

std::string source_entry_name(const std::string& path) {
  if (copies_contents(path)) return ".";
  std::vector<std::string> clean;
  for (const std::string& c : path_components(path)) {
    if (c == "..") {
      if (!clean.empty()) clean.pop_back();
    } else if (c != ".") {
      clean.push_back(c);
    }
  }
  return clean.empty() ? "." : clean.back();
}

std::string container_path(const std::string& path) { return path.starts_with("/") ? path : "/" + path; }

std::string host_path(const std::string& path) {
  if (path.starts_with("/")) return path;
  const std::string cwd = std::filesystem::current_path().string();
  return path.empty() ? cwd : cwd + "/" + path;
}

CopyPlan plan_copy(const SourceInfo& source, const DestInfo& destination) {
  const std::string name = destination.components.empty() ? "." : destination.components.back();
  CopyPlan plan;
  if (destination.exists && destination.is_dir) {
    plan.into_destination = true;
    plan.entry_name = source_entry_name(source.path);
    return plan;
  }
  if (destination.exists && asserts_directory(destination.path))
    throw Error("\"" + destination.shown + "\" is not a directory");
  if (destination.exists && source.is_dir)
    throw Error("cannot overwrite non-directory \"" + destination.shown + "\" with directory \"" + source.shown + "\"");
  if (!destination.exists && !source.is_dir && asserts_directory(destination.path))
    throw Error("no such directory: \"" + destination.shown + "\"", "a file is copied into an existing directory only");
  if (!destination.parent_is_dir)
    throw Error("no such directory: the parent of \"" + destination.shown + "\"",
                "the directory that is to hold the copy must exist");
  plan.entry_name = name;
  return plan;
}

void require_directory(const DestInfo& destination) {
  if (!destination.exists || !destination.is_dir)
    throw Error("destination \"" + destination.shown + "\" must be a directory");
}

void check_source(const SourceInfo& source) {
  if (!source.is_dir && asserts_directory(source.path)) throw Error("\"" + source.shown + "\" is not a directory");
}

}  // namespace stack::engine::cp
