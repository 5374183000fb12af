#include "compose/include.hpp"

#include <filesystem>

#include "base/files.hpp"

namespace stack::compose {
namespace {

std::vector<std::string> string_or_list(const Node& n, const std::string& path) {
  if (n.is_scalar()) return {n.value};
  std::vector<std::string> out;
  if (!n.is_sequence()) throw error_at(n, path, "must be a string or a list of strings");
  for (size_t i = 0; i < n.items.size(); ++i) {
    if (!n.items[i].is_scalar()) throw error_at(n.items[i], path_index(path, i), "must be a string");
    out.push_back(n.items[i].value);
  }
  return out;
}

IncludeRequest parse_entry(const Node& entry, const std::string& path, const std::string& file_dir) {
  IncludeRequest req;
  req.mark = entry.mark;
  auto abs = [&](const std::string& p) { return base::absolute_from(file_dir, p).string(); };
  if (entry.is_scalar()) {
    req.files = {abs(entry.value)};
  } else if (entry.is_mapping()) {
    for (const Entry& e : entry.entries) {
      const std::string p = path_join(path, e.key);
      if (e.key == "path") {
        for (auto& f : string_or_list(e.value, p)) req.files.push_back(abs(f));
      } else if (e.key == "project_directory") {
        if (!e.value.is_scalar()) throw error_at(e.value, p, "must be a string");
        req.project_directory = abs(e.value.value);
      } else if (e.key == "env_file") {
        for (auto& f : string_or_list(e.value, p)) req.env_files.push_back(abs(f));
      } else {
        throw error_at(e.key_mark, path, "unknown key \"" + e.key + "\" (include takes path, project_directory, env_file)");
      }
    }
  } else {
    throw error_at(entry, path, "must be a path or a mapping with path:");
  }
  if (req.files.empty()) throw error_at(entry, path, "path is required");
  if (req.project_directory.empty())
    req.project_directory = std::filesystem::path(req.files.front()).parent_path().string();
  return req;
}

// Adds the included project's resources of one section, refusing different definitions.
void import_section(Node& root, const Node& included, const char* section, const IncludeRequest& req) {
  const Node* from = included.find(section);
  if (!from || !from->is_mapping() || from->entries.empty()) return;
  Node* into = root.find(section);
  if (!into || into->is_null()) into = &root.set(section, Node::mapping(from->mark));
  for (const Entry& e : from->entries) {
    if (const Entry* mine = into->find_entry(e.key)) {
      if (mine->value == e.value) continue;
      throw error_at(mine->key_mark, path_join(section, e.key),
                     "conflicts with the " + std::string(section) + " entry of the same name imported from " +
                         req.files.front() + " (" + e.key_mark.str() + ")");
    }
    into->entries.push_back(e);
  }
}

}  // namespace

void apply_include(Node& root, const std::string& file_dir, const IncludeLoader& load) {
  const Node* include = root.find("include");
  if (!include) return;
  Node entries = *include;
  root.erase("include");
  if (entries.is_null()) return;
  if (!entries.is_sequence()) throw error_at(entries, "include", "must be a list");
  for (size_t i = 0; i < entries.items.size(); ++i) {
    IncludeRequest req = parse_entry(entries.items[i], path_index("include", i), file_dir);
    Node included = load(req);
    for (const char* section : {"services", "networks", "volumes", "secrets", "configs"})
      import_section(root, included, section, req);
  }
}

}  // namespace stack::compose
