#include "orchestrator/container_factory.hpp"

#include <filesystem>

#include "base/error.hpp"
#include "base/random_id.hpp"
#include "engine/copy_up.hpp"
#include "engine/volumes_from.hpp"
#include "orchestrator/blueprint.hpp"
#include "orchestrator/observe.hpp"
#include "vol/volume_binds.hpp"

namespace stack::orchestrator {
namespace {

std::string with_options(const std::string& spec, const std::string& options) {
  return options.empty() ? spec : spec + ":" + options;
}

// docker's copy-up for each new, empty volume (unless nocopy).
void copy_up(Context& ctx, const engine::CreateRequest& r, const std::vector<vol::VolumeMount>& mounts) {
  for (const vol::VolumeMount& m : mounts) {
    if (!m.copy_up) continue;
    ctx.volumes.fill_if_empty(m.volume, [&](const std::string& data) {
      return engine::copy_up_from_image(r.lower_dirs, m.target, data, "copy " + m.target + " into volume " + m.volume.name);
    });
  }
}

// volumes_from "service:x[:mode]" / "container:x[:mode]": the source's mounts.
std::vector<std::string> take_volumes_from(Context& ctx, const std::string& project, const Blueprint& b,
                                           engine::CreateRequest& r) {
  std::vector<std::string> names;
  for (const std::string& entry : b.volumes_from) {
    const bool is_service = entry.rfind("service:", 0) == 0;
    const auto [ref, mode] = engine::parse_volumes_from(entry.substr(entry.find(':') + 1));
    const std::string id = is_service ? service_container(ctx, project, ref) : ctx.containers.resolve(ref);
    if (id.empty()) throw Error("volumes_from: service \"" + ref + "\" has no container");
    const engine::InheritedMounts in = engine::inherited_mounts(
        ctx.containers.spec(id), ctx.containers.view(id).config.volumes, ctx.containers.layout().container_dir(id), mode);
    r.volumes.insert(r.volumes.end(), in.volumes.begin(), in.volumes.end());
    names.insert(names.end(), in.names.begin(), in.names.end());
  }
  return names;
}

// Volumes: named ones by name, anonymous ones kept from the replaced container at the same path (the
// image's VOLUMEs too), new ones made; returns the anonymous volumes made new.
std::vector<std::string> take_volumes(Context& ctx, const std::string& project, const Blueprint& b,
                                      const engine::ImageForContainer& image,
                                      const std::map<std::string, std::string>& old, engine::CreateRequest& r) {
  std::vector<std::string> specs;
  for (const VolumeNeed& v : b.volumes) {
    if (v.kind == VolumeNeed::Kind::Named) {
      specs.push_back(with_options(v.name + ":" + v.target, v.options));
    } else if (auto it = old.find(v.target); it != old.end()) {
      specs.push_back(with_options(it->second + ":" + v.target, v.options));
    } else {
      specs.push_back(v.target);
    }
  }
  for (const std::string& path : image.defaults.volumes)
    if (auto it = old.find(path); it != old.end() && std::find(specs.begin(), specs.end(), path) == specs.end())
      specs.push_back(it->second + ":" + path);
  std::vector<vol::VolumeMount> mounts = vol::resolve_volume_mounts(ctx.volumes, specs);
  vol::add_image_volumes(ctx.volumes, image.defaults.volumes, r.tmpfs, specs, mounts);
  std::vector<std::string> made;
  for (const vol::VolumeMount& m : mounts) {
    bool reused = false;
    for (const auto& [target, name] : old) reused = reused || name == m.volume.name;
    if (vol::is_anonymous(m.volume) && !reused) made.push_back(m.volume.name);
  }
  r.volumes.insert(r.volumes.end(), specs.begin(), specs.end());
  r.named_volumes = vol::volume_names(mounts);
  for (const std::string& n : take_volumes_from(ctx, project, b, r))
    if (std::find(r.named_volumes.begin(), r.named_volumes.end(), n) == r.named_volumes.end()) r.named_volumes.push_back(n);
  copy_up(ctx, r, mounts);
  return made;
}

// The network namespace another container runs in ("service:x", "container:x").
std::string joined_namespace(Context& ctx, const std::string& project, const std::string& mode) {
  const bool is_service = mode.rfind("service:", 0) == 0;
  const std::string ref = mode.substr(mode.find(':') + 1);
  const std::string id = is_service ? service_container(ctx, project, ref) : ctx.containers.resolve(ref);
  if (id.empty()) throw Error("network_mode " + mode + ": the service has no container");
  const engine::ContainerView v = ctx.containers.view(id);
  if (v.state.status != engine::Status::Running || v.state.pid <= 0)
    throw Error("network_mode " + mode + ": container " + v.config.name + " is not running");
  return "/proc/" + std::to_string(v.state.pid) + "/ns/net";
}

void take_network(Context& ctx, const std::string& project, const Blueprint& b, engine::CreateRequest& r) {
  if (b.network_mode.rfind("service:", 0) == 0 || b.network_mode.rfind("container:", 0) == 0) {
    r.network = joined_namespace(ctx, project, b.network_mode);
    return;
  }
  net::SandboxRequest sandbox;
  sandbox.container_id = r.id;
  sandbox.container_name = r.name;
  sandbox.hostname = r.hostname;
  sandbox.state_file = ctx.containers.layout().container_dir(r.id) + "/state.json";
  sandbox.networks = b.attachments;
  // Beside the container's records, so its removal takes them (forget_network when it is not made).
  const std::string files_dir = ctx.containers.layout().container_dir(r.id);
  const net::ContainerNetwork n = ctx.network.prepare(b.network_mode, sandbox, b.etc, files_dir);
  r.network = n.network;
  r.volumes.insert(r.volumes.end(), n.binds.begin(), n.binds.end());
  if (!b.ports.empty()) {
    const net::Endpoint first = n.sandbox.endpoints.empty() ? net::Endpoint{} : n.sandbox.endpoints.front();
    ctx.network.publish(r.id, {first.ipv4, first.ipv6}, first.network, b.ports);
  }
}

// The binds' host paths (all of the request's volumes until named volumes are resolved)
// must exist, as docker's engine requires; said in compose's terms, not the engine's flags.
void check_bind_sources(const std::string& service, const std::vector<std::string>& binds) {
  for (const std::string& spec : binds) {
    const std::string source = spec.substr(0, spec.find(':'));
    std::error_code ec;
    if (!std::filesystem::exists(source, ec))
      throw Error("service \"" + service + "\": bind source path does not exist: " + source,
                  "create it, or use the short syntax or bind.create_host_path: true to have it made");
  }
}

// A container that was not made: its sandbox and published ports, and the directory its
// /etc files went into while it holds no container record.
void forget_network(Context& ctx, const std::string& id) {
  try {
    ctx.network.release(id);
  } catch (const Error&) {
  }
  const std::string dir = ctx.containers.layout().container_dir(id);
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/config.json", ec)) std::filesystem::remove_all(dir, ec);
}

void forget_anonymous(Context& ctx, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    try {
      ctx.volumes.remove(name, [] { return std::map<std::string, std::vector<std::string>>{}; });
    } catch (const Error&) {
    }
  }
}

}  // namespace

void clear_half_made(Context& ctx, const std::string& name) {
  std::error_code ec;
  const std::string holder = std::filesystem::read_symlink(ctx.containers.layout().name_path(name), ec).string();
  if (ec || holder.empty()) return;
  if (!ctx.containers.view(holder).config.name.empty()) return;  // its records are whole: a real container
  // A shim still starting it (it outlives the killed `stack`) is ended by the removal
  // itself, which waits for the shim's lock (engine/shim_lock.hpp).
  try {
    ctx.containers.remove(holder, true);
  } catch (const Error& e) {
    ctx.progress.warning("remove the half-made container " + holder + ": " + e.what());
  }
}

void clear_half_made_with_prefix(Context& ctx, const std::string& prefix) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ctx.containers.layout().names_dir(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) clear_half_made(ctx, name);
  }
}

std::map<std::string, std::string> anonymous_volumes(Context& ctx, const std::string& container_id) {
  std::map<std::string, std::string> out;
  const engine::ContainerView v = ctx.containers.view(container_id);
  const engine::runtime::Spec spec = ctx.containers.spec(container_id);
  for (const std::string& name : v.config.volumes) {
    const std::optional<vol::Volume> volume = ctx.volumes.find(name);
    if (!volume || !vol::is_anonymous(*volume)) continue;
    for (const engine::runtime::Mount& m : spec.mounts)
      if (m.source == volume->mountpoint) out[m.destination] = name;
  }
  return out;
}

std::string service_container(Context& ctx, const std::string& project, const std::string& service) {
  for (const ObservedContainer& c : observe_containers(ctx.containers.list(), project))
    if (c.service == service && !c.oneoff) return c.id;
  return "";
}

MadeContainer make_container(Context& ctx, const compose::Project& project, const compose::Service& service,
                             int number, const engine::ImageForContainer& image,
                             const std::map<std::string, std::string>& kept) {
  return make_from_blueprint(ctx, project.name, service.name, make_blueprint(project, service, number), image, kept);
}

MadeContainer make_from_blueprint(Context& ctx, const std::string& project, const std::string& service, Blueprint b,
                                  const engine::ImageForContainer& image, const std::map<std::string, std::string>& kept) {
  engine::CreateRequest& r = b.request;
  clear_half_made(ctx, r.name);
  r.id = base::random_hex_id();
  engine::apply_image(r, image, b.entrypoint_given);
  for (const std::string& path : b.create_host_paths) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
  }
  check_bind_sources(service, r.volumes);
  std::vector<std::string> made;
  try {
    ctx.containers.reserve(r.name, r.id);
    made = take_volumes(ctx, project, b, image, kept, r);
    take_network(ctx, project, b, r);
    ctx.containers.create(r);
  } catch (const Error& e) {
    forget_network(ctx, r.id);
    forget_anonymous(ctx, made);
    ctx.containers.unreserve(r.name, r.id);
    throw Error("service \"" + service + "\": " + e.what(), e.hint());
  }
  return {r.id, r.name};
}

}  // namespace stack::orchestrator
