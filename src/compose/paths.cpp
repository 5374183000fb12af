// Relative paths -> absolute, per file, before files are merged (compose-go resolves
// them per file too, so that each path is read against the directory of the file that
// wrote it). Only the values at the path-bearing keys change; their marks stay, so an
// error about a path still points at where it was written. Values of the wrong shape
// are left alone for the decoder to report.
#include "compose/paths.hpp"

#include <string_view>

#include "base/files.hpp"

namespace stack::compose {
namespace {

class Resolver {
 public:
  Resolver(const std::string& base_dir, const std::string& home) : base_dir_(base_dir), home_(home) {}

  // "~" and "~/x" are under home; other relative paths under base_dir. "~user" is not
  // expanded (compose does not look users up either); it is an ordinary relative path.
  std::string absolute(const std::string& path) const {
    if (path.empty()) return path;
    if (path == "~") return base::absolute_from(home_, ".").string();
    if (path.starts_with("~/")) return base::absolute_from(home_, path.substr(2)).string();
    return base::absolute_from(base_dir_, path).string();
  }

  void rewrite(Node* node) const {
    if (node && node->is_scalar()) node->value = absolute(node->value);
  }

 private:
  const std::string& base_dir_;
  const std::string& home_;
};

void resolve_context(const Resolver& r, Node* context) {
  if (context && context->is_scalar() && !is_remote_context(context->value)) r.rewrite(context);
}

// additional_contexts: name -> path, as a mapping or a "name=path" list; entries that
// name an image (docker-image://), a stage (target:) or a URL stay as written.
void resolve_additional_contexts(const Resolver& r, Node* contexts) {
  if (!contexts) return;
  auto local = [](std::string_view v) { return !is_remote_context(v) && !v.starts_with("target:"); };
  if (contexts->is_mapping()) {
    for (auto& e : contexts->entries)
      if (e.value.is_scalar() && local(e.value.value)) r.rewrite(&e.value);
  } else if (contexts->is_sequence()) {
    for (auto& item : contexts->items) {
      auto eq = item.value.find('=');
      if (!item.is_scalar() || eq == std::string::npos || !local(item.value.substr(eq + 1))) continue;
      item.value = item.value.substr(0, eq + 1) + r.absolute(item.value.substr(eq + 1));
    }
  }
}

void resolve_build(const Resolver& r, Node* build) {
  if (!build) return;
  if (build->is_scalar()) {
    resolve_context(r, build);
  } else if (build->is_mapping()) {
    resolve_context(r, build->find("context"));
    resolve_additional_contexts(r, build->find("additional_contexts"));
  }
}

// env_file / label_file: a string, a list of strings, or (env_file) a list of {path, required}.
void resolve_file_list(const Resolver& r, Node* files) {
  if (!files) return;
  if (files->is_scalar()) {
    r.rewrite(files);
    return;
  }
  if (!files->is_sequence()) return;
  for (auto& item : files->items) {
    if (item.is_scalar()) {
      r.rewrite(&item);
    } else if (item.is_mapping()) {
      r.rewrite(item.find("path"));
    }
  }
}

// Short syntax "source:target[:options]": a source starting with "." or "~" is a host
// path (anything else is a volume name or already absolute). Only the source changes.
void resolve_short_volume(const Resolver& r, Node& item) {
  auto colon = item.value.find(':');
  if (colon == std::string::npos) return;  // "target" alone: an anonymous volume
  std::string source = item.value.substr(0, colon);
  if (!source.starts_with(".") && !source.starts_with("~")) return;
  item.value = r.absolute(source) + item.value.substr(colon);
}

void resolve_volumes(const Resolver& r, Node* volumes) {
  if (!volumes || !volumes->is_sequence()) return;
  for (auto& item : volumes->items) {
    if (item.is_scalar()) {
      resolve_short_volume(r, item);
    } else if (item.is_mapping()) {
      const Node* type = item.find("type");
      if (type && type->is_scalar() && type->value == "bind") r.rewrite(item.find("source"));
    }
  }
}

void resolve_service(const Resolver& r, Node& service) {
  if (!service.is_mapping()) return;
  resolve_build(r, service.find("build"));
  resolve_file_list(r, service.find("env_file"));
  resolve_file_list(r, service.find("label_file"));
  resolve_volumes(r, service.find("volumes"));
  Node* extends = service.find("extends");
  if (extends && extends->is_mapping()) r.rewrite(extends->find("file"));
}

// A local volume with `o: bind` is a bind mount of `device` (compose makes it absolute).
void resolve_bind_volume(const Resolver& r, Node& volume) {
  if (!volume.is_mapping()) return;
  const Node* driver = volume.find("driver");
  if (driver && !(driver->is_scalar() && driver->value == "local")) return;
  Node* opts = volume.find("driver_opts");
  if (!opts || !opts->is_mapping()) return;
  const Node* o = opts->find("o");
  if (!o || !o->is_scalar()) return;
  bool bind = false;
  std::string_view options = o->value;
  for (size_t start = 0; start <= options.size();) {
    size_t comma = options.find(',', start);
    if (comma == std::string_view::npos) comma = options.size();
    if (options.substr(start, comma - start) == "bind") bind = true;
    start = comma + 1;
  }
  if (bind) r.rewrite(opts->find("device"));
}

template <typename F>
void for_each_value(Node& root, std::string_view section, F&& f) {
  Node* map = root.find(section);
  if (!map || !map->is_mapping()) return;
  for (auto& e : map->entries) f(e.value);
}

}  // namespace

bool is_remote_context(std::string_view context) {
  return context.find("://") != std::string_view::npos || context.starts_with("git@") ||
         context.starts_with("github.com/");
}

void resolve_relative_paths(Node& root, const std::string& base_dir, const std::string& home) {
  if (!root.is_mapping()) return;
  Resolver r(base_dir, home);
  for_each_value(root, "services", [&](Node& service) { resolve_service(r, service); });
  for_each_value(root, "secrets", [&](Node& s) { r.rewrite(s.is_mapping() ? s.find("file") : nullptr); });
  for_each_value(root, "configs", [&](Node& c) { r.rewrite(c.is_mapping() ? c.find("file") : nullptr); });
  for_each_value(root, "volumes", [&](Node& v) { resolve_bind_volume(r, v); });
}

}  // namespace stack::compose
