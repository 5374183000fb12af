// What makes two sequence items "the same" for the keyed merge rules.
//
// compose-go compares items after its canonical pass has turned every short syntax
// into a mapping. We merge earlier, so a short "8080:80" on one side must match
// {target: 80, published: 8080} on the other: each function reads just enough of the
// short syntax to get the identity. Full parsing and validation is the decoder's job
// (syntax.hpp); an item we cannot read gets no identity and is simply kept.
#include "base/strings.hpp"
#include "compose/merge_internal.hpp"

namespace stack::compose::merge_detail {
namespace {

std::optional<std::string> scalar_of(const Node& mapping, std::string_view key) {
  const Node* n = mapping.find(key);
  if (!n || !n->is_scalar()) return std::nullopt;
  return n->value;
}

// An absent host_ip binds every IPv4 address, as an explicit 0.0.0.0 does.
std::string port_key(std::string host_ip, const std::string& published, const std::string& target,
                     const std::string& protocol) {
  if (host_ip.size() >= 2 && host_ip.front() == '[' && host_ip.back() == ']')
    host_ip = host_ip.substr(1, host_ip.size() - 2);
  if (host_ip.empty()) host_ip = "0.0.0.0";
  return host_ip + "|" + published + "|" + target + "|" + base::to_lower(protocol.empty() ? "tcp" : protocol);
}

// "[host_ip:][published:]target[/protocol]"; an unbracketed IPv6 host_ip takes every
// part but the last two, as docker's port parser does.
std::optional<std::string> short_port_identity(std::string_view spec) {
  std::string protocol;
  if (auto slash = spec.rfind('/'); slash != std::string_view::npos) {
    protocol = spec.substr(slash + 1);
    spec = spec.substr(0, slash);
  }
  auto parts = base::split(spec, ':');
  size_t n = parts.size();
  std::string host_ip, published;
  if (n >= 3) {
    for (size_t i = 0; i + 2 < n; ++i) host_ip += (i ? ":" : "") + parts[i];
  }
  if (n >= 2) published = parts[n - 2];
  return port_key(host_ip, published, parts[n - 1], protocol);
}

std::optional<std::string> port_identity(const Node& item) {
  if (item.is_scalar()) return short_port_identity(item.value);
  if (!item.is_mapping()) return std::nullopt;
  auto target = scalar_of(item, "target");
  if (!target) return std::nullopt;
  return port_key(scalar_of(item, "host_ip").value_or(""), scalar_of(item, "published").value_or(""), *target,
                  scalar_of(item, "protocol").value_or(""));
}

// The path inside the container of a volume or a device: `target` of the long syntax; in
// the short ones ("target" or "source:target[:options]", "host[:container[:permissions]]")
// the second field, or the only one.
std::optional<std::string> mount_target(const Node& item) {
  if (item.is_mapping()) return scalar_of(item, "target");
  if (!item.is_scalar()) return std::nullopt;
  auto parts = base::split(item.value, ':');
  return parts.size() == 1 ? parts[0] : parts[1];
}

// secrets/configs: a short entry names the source, mounted at <dir>/<source>; a long
// one mounts at `target` (relative targets of secrets live under /run/secrets too).
std::optional<std::string> file_mount_target(const Node& item, const std::string& dir) {
  if (item.is_scalar()) return dir + "/" + item.value;
  if (!item.is_mapping()) return std::nullopt;
  if (auto target = scalar_of(item, "target")) {
    if (!target->empty() && target->front() != '/' && !dir.empty()) return dir + "/" + *target;
    return target;
  }
  auto source = scalar_of(item, "source");
  if (!source) return std::nullopt;
  return dir + "/" + *source;
}

std::optional<std::string> env_file_path(const Node& item) {
  if (item.is_scalar()) return item.value;
  if (item.is_mapping()) return scalar_of(item, "path");
  return std::nullopt;
}

// "/run:size=64m,mode=1777": the mount point.
std::optional<std::string> tmpfs_target(const Node& item) {
  if (!item.is_scalar()) return std::nullopt;
  return item.value.substr(0, item.value.find(':'));
}

}  // namespace

std::optional<std::string> item_identity(Rule rule, const Node& item) {
  switch (rule) {
    case Rule::ByPort: return port_identity(item);
    case Rule::ByVolume: return mount_target(item);
    case Rule::BySecret: return file_mount_target(item, "/run/secrets");
    case Rule::ByConfig: return file_mount_target(item, "");
    case Rule::ByDevice: return mount_target(item);
    case Rule::ByEnvFile: return env_file_path(item);
    case Rule::ByTmpfs: return tmpfs_target(item);
    case Rule::Unique:
      if (item.is_scalar()) return item.value;
      return std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace stack::compose::merge_detail
