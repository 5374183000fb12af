// The extends pass, as compose-go's loader/extends.go does it: a service's base is
// resolved first (recursively, in the base's own file), copied, stripped of the keys
// that tie it to other services, and the extending service is merged over it with
// the merge pass's rules. Resolved services are memoized per (file, service), so a
// base shared by many services, or a file extended from many places, is done once.
#include "compose/extends.hpp"

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "base/files.hpp"
#include "compose/merge.hpp"

namespace stack::compose {
namespace {

// compose v2 drops these from the base silently: they name other services, which mean
// nothing to the extending one. (The spec also lists links; compose-go keeps them, and
// so do we. Older compose-go refused such bases outright.)
constexpr std::string_view kNotInherited[] = {"depends_on", "volumes_from"};

struct Reference {
  std::string service;
  std::string file;  // absolute; empty for the same file
};

using Key = std::pair<std::string, std::string>;  // (file, service)

class ExtendsResolver {
 public:
  ExtendsResolver(const Node& root_services, const std::string& root_file, const FileLoader& load)
      : root_services_(root_services), root_file_(root_file), load_(load) {}

  // The service `name` of `services` (the services mapping of `file`), extends resolved.
  Node resolve(const Node& services, const std::string& file, const std::string& name);

 private:
  struct Step {
    Key key;
    Mark extends_mark;
  };

  Reference read_reference(const Entry& extends, const std::string& file, const std::string& path) const;
  const Node& services_of(const std::string& file, const Mark& at, const std::string& path) const;
  [[noreturn]] void throw_cycle(const Key& key) const;
  std::string display(const Key& key) const;

  const Node& root_services_;
  const std::string& root_file_;
  const FileLoader& load_;
  std::map<Key, Node> done_;
  std::vector<Step> chain_;  // services being resolved, outermost first
};

Reference ExtendsResolver::read_reference(const Entry& extends, const std::string& file,
                                          const std::string& path) const {
  const Node& value = extends.value;
  if (value.is_scalar()) return {value.value, {}};
  if (!value.is_mapping())
    throw error_at(value, path, "must be a string or a mapping, not a " + std::string(value.kind_name()));
  const Node* service = value.find("service");
  if (!service) throw error_at(extends.key_mark, path, "missing \"service\": the name of the service to extend");
  if (!service->is_scalar())
    throw error_at(*service, path_join(path, "service"), "must be a string, not a " + std::string(service->kind_name()));
  const Node* other = value.find("file");
  if (!other || other->is_null()) return {service->value, {}};
  if (!other->is_scalar())
    throw error_at(*other, path_join(path, "file"), "must be a string, not a " + std::string(other->kind_name()));
  // The paths pass made it absolute already; a relative one is still relative to `file`.
  auto dir = std::filesystem::path(file).parent_path();
  return {service->value, base::absolute_from(dir, other->value).string()};
}

const Node& ExtendsResolver::services_of(const std::string& file, const Mark& at, const std::string& path) const {
  static const Node kNone = Node::mapping();
  const Node* root = nullptr;
  try {
    root = &load_(file);
  } catch (const Error& e) {
    throw error_at(at, path, e.what(), e.hint());
  }
  const Node* services = root->find("services");
  return services && services->is_mapping() ? *services : kNone;
}

std::string ExtendsResolver::display(const Key& key) const {
  return key.first == root_file_ ? key.second : key.second + " (" + key.first + ")";
}

void ExtendsResolver::throw_cycle(const Key& key) const {
  size_t start = 0;
  while (chain_[start].key != key) ++start;
  std::string text;
  for (size_t i = start; i < chain_.size(); ++i) text += display(chain_[i].key) + " -> ";
  text += display(key);
  throw error_at(chain_[start].extends_mark, path_join("services", key.second), "extends cycle: " + text);
}

Node ExtendsResolver::resolve(const Node& services, const std::string& file, const std::string& name) {
  Key key{file, name};
  if (auto it = done_.find(key); it != done_.end()) return it->second;
  const Node& service = *services.find(name);
  const Entry* extends = service.is_mapping() ? service.find_entry("extends") : nullptr;
  if (!extends) return service;
  for (const Step& step : chain_)
    if (step.key == key) throw_cycle(key);

  std::string path = path_join("services", name);
  std::string extends_path = path_join(path, "extends");
  Reference ref = read_reference(*extends, file, extends_path);
  const std::string& base_file = ref.file.empty() ? file : ref.file;
  // A reference back to the root file (possibly from another file) reads the root tree
  // as given: the loader may not be able to read it again (standard input).
  const Node& base_services = ref.file.empty()          ? services
                              : ref.file == root_file_ ? root_services_
                                                       : services_of(ref.file, extends->key_mark, extends_path);
  if (!base_services.find(ref.service)) {
    std::string where = ref.file.empty() ? "" : " in " + ref.file;
    throw error_at(extends->key_mark, extends_path, "service \"" + ref.service + "\" not found" + where);
  }

  chain_.push_back({key, extends->key_mark});
  Node merged = resolve(base_services, base_file, ref.service);
  chain_.pop_back();

  if (merged.is_null()) merged = Node::mapping(service.mark);
  if (!merged.is_mapping())
    throw error_at(merged, path_join("services", ref.service), "must be a mapping, not a " + std::string(merged.kind_name()));
  for (std::string_view k : kNotInherited) merged.erase(k);
  merge_service(merged, service, path);
  merged.erase("extends");
  merged.mark = service.mark;  // errors about the service as a whole point at the extending one
  return done_[key] = std::move(merged);
}

}  // namespace

void resolve_extends(Node& root, const std::string& file, const FileLoader& load) {
  Node* services = root.is_mapping() ? root.find("services") : nullptr;
  if (!services || !services->is_mapping()) return;
  ExtendsResolver resolver(*services, file, load);
  // Resolve everything against the file as written, then write the results back.
  std::vector<std::pair<size_t, Node>> resolved;
  for (size_t i = 0; i < services->entries.size(); ++i) {
    const Node& service = services->entries[i].value;
    if (service.is_mapping() && service.find("extends"))
      resolved.emplace_back(i, resolver.resolve(*services, file, services->entries[i].key));
  }
  for (auto& [index, service] : resolved) services->entries[index].value = std::move(service);
}

}  // namespace stack::compose
