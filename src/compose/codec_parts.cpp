#include "compose/codec_parts.hpp"

#include <algorithm>

#include "compose/codec_fields.hpp"
#include "compose/syntax.hpp"

namespace stack::compose::codec {
namespace {

// `published: 8080` and `published: "8000-8010"` are both text in the model.
void decode_published(const Node& n, const std::string& path, ServicePort& p, Ctx&) {
  p.published = scalar_text(n, path);
}

const std::vector<Field<ServicePort>>& port_fields() {
  static const std::vector<Field<ServicePort>> fields = {
      field<ServicePort, &ServicePort::name>("name"),
      field<ServicePort, &ServicePort::mode>("mode"),
      field<ServicePort, &ServicePort::host_ip>("host_ip"),
      {"target", [](const Node& n, const std::string& p, ServicePort& o, Ctx& c) { decode_value(n, p, o.target, c); },
       [](const ServicePort& o) -> std::optional<Node> { return plain_node(std::to_string(o.target)); }},
      {"published", decode_published, [](const ServicePort& o) { return encode_value(o.published); }},
      field<ServicePort, &ServicePort::protocol>("protocol"),
      field<ServicePort, &ServicePort::app_protocol>("app_protocol"),
  };
  return fields;
}

const std::vector<Field<BindOptions>>& bind_fields() {
  static const std::vector<Field<BindOptions>> fields = {
      field<BindOptions, &BindOptions::propagation>("propagation"),
      field<BindOptions, &BindOptions::create_host_path>("create_host_path"),
      field<BindOptions, &BindOptions::selinux>("selinux"),
  };
  return fields;
}

const std::vector<Field<VolumeOptions>>& volume_option_fields() {
  static const std::vector<Field<VolumeOptions>> fields = {
      field<VolumeOptions, &VolumeOptions::nocopy>("nocopy"),
      field<VolumeOptions, &VolumeOptions::subpath>("subpath"),
  };
  return fields;
}

const std::vector<Field<TmpfsOptions>>& tmpfs_fields() {
  static const std::vector<Field<TmpfsOptions>> fields = {
      bytes_field<TmpfsOptions, &TmpfsOptions::size>("size"),
      {"mode", [](const Node& n, const std::string& p, TmpfsOptions& o, Ctx&) { decode_file_mode(n, p, o.mode); },
       [](const TmpfsOptions& o) { return encode_file_mode(o.mode); }},
  };
  return fields;
}

const std::vector<Field<ImageOptions>>& image_fields() {
  static const std::vector<Field<ImageOptions>> fields = {field<ImageOptions, &ImageOptions::subpath>("subpath")};
  return fields;
}

const std::vector<Field<ServiceVolume>>& volume_fields() {
  static const std::vector<Field<ServiceVolume>> fields = {
      field<ServiceVolume, &ServiceVolume::type>("type"),
      field<ServiceVolume, &ServiceVolume::source>("source"),
      field<ServiceVolume, &ServiceVolume::target>("target"),
      field<ServiceVolume, &ServiceVolume::read_only>("read_only"),
      field<ServiceVolume, &ServiceVolume::consistency>("consistency"),
      {"bind", [](const Node& n, const std::string& p, ServiceVolume& v, Ctx& c) { decode_options(n, p, v.bind, bind_fields(), c); },
       [](const ServiceVolume& v) { return encode_options(v.bind, bind_fields()); }},
      {"volume",
       [](const Node& n, const std::string& p, ServiceVolume& v, Ctx& c) { decode_options(n, p, v.volume, volume_option_fields(), c); },
       [](const ServiceVolume& v) { return encode_options(v.volume, volume_option_fields()); }},
      {"tmpfs", [](const Node& n, const std::string& p, ServiceVolume& v, Ctx& c) { decode_options(n, p, v.tmpfs, tmpfs_fields(), c); },
       [](const ServiceVolume& v) { return encode_options(v.tmpfs, tmpfs_fields()); }},
      {"image", [](const Node& n, const std::string& p, ServiceVolume& v, Ctx& c) { decode_options(n, p, v.image, image_fields(), c); },
       [](const ServiceVolume& v) { return encode_options(v.image, image_fields()); }},
  };
  return fields;
}

const std::vector<Field<ServiceDependency>>& dependency_fields() {
  static const std::vector<Field<ServiceDependency>> fields = {
      field<ServiceDependency, &ServiceDependency::condition>("condition"),
      {"restart", [](const Node& n, const std::string& p, ServiceDependency& d, Ctx& c) { decode_value(n, p, d.restart, c); },
       [](const ServiceDependency& d) { return encode_value(d.restart); }},
      {"required", [](const Node& n, const std::string& p, ServiceDependency& d, Ctx& c) { decode_value(n, p, d.required, c); },
       [](const ServiceDependency& d) -> std::optional<Node> { return plain_node(d.required ? "true" : "false"); }},
  };
  return fields;
}

const std::vector<Field<ServiceNetwork>>& service_network_fields() {
  static const std::vector<Field<ServiceNetwork>> fields = {
      field<ServiceNetwork, &ServiceNetwork::aliases>("aliases"),
      field<ServiceNetwork, &ServiceNetwork::driver_opts>("driver_opts"),
      field<ServiceNetwork, &ServiceNetwork::gw_priority>("gw_priority"),
      field<ServiceNetwork, &ServiceNetwork::interface_name>("interface_name"),
      field<ServiceNetwork, &ServiceNetwork::ipv4_address>("ipv4_address"),
      field<ServiceNetwork, &ServiceNetwork::ipv6_address>("ipv6_address"),
      field<ServiceNetwork, &ServiceNetwork::link_local_ips>("link_local_ips"),
      field<ServiceNetwork, &ServiceNetwork::mac_address>("mac_address"),
      field<ServiceNetwork, &ServiceNetwork::priority>("priority"),
  };
  return fields;
}

const std::vector<Field<Healthcheck>>& healthcheck_fields() {
  static const std::vector<Field<Healthcheck>> fields = {
      {"test",
       [](const Node& n, const std::string& p, Healthcheck& h, Ctx& c) {
         // A string test runs through the shell, as compose does.
         if (n.is_scalar()) {
           h.test = {"CMD-SHELL", n.value};
         } else {
           decode_value(n, p, h.test, c);
         }
       },
       [](const Healthcheck& h) { return encode_value(h.test); }},
      duration_field<Healthcheck, &Healthcheck::interval>("interval"),
      duration_field<Healthcheck, &Healthcheck::timeout>("timeout"),
      field<Healthcheck, &Healthcheck::retries>("retries"),
      duration_field<Healthcheck, &Healthcheck::start_period>("start_period"),
      duration_field<Healthcheck, &Healthcheck::start_interval>("start_interval"),
      field<Healthcheck, &Healthcheck::disable>("disable"),
  };
  return fields;
}

const std::vector<Field<Logging>>& logging_fields() {
  static const std::vector<Field<Logging>> fields = {
      field<Logging, &Logging::driver>("driver"),
      field<Logging, &Logging::options>("options"),
  };
  return fields;
}

const std::vector<Field<DeviceMapping>>& device_fields() {
  static const std::vector<Field<DeviceMapping>> fields = {
      field<DeviceMapping, &DeviceMapping::source>("source"),
      field<DeviceMapping, &DeviceMapping::target>("target"),
      field<DeviceMapping, &DeviceMapping::permissions>("permissions"),
  };
  return fields;
}

const std::vector<Field<FileReference>>& file_ref_fields() {
  static const std::vector<Field<FileReference>> fields = {
      field<FileReference, &FileReference::source>("source"),
      field<FileReference, &FileReference::target>("target"),
      field<FileReference, &FileReference::uid>("uid"),
      field<FileReference, &FileReference::gid>("gid"),
      {"mode", [](const Node& n, const std::string& p, FileReference& r, Ctx&) { decode_file_mode(n, p, r.mode); },
       [](const FileReference& r) { return encode_file_mode(r.mode); }},
  };
  return fields;
}

const std::vector<Field<EnvFile>>& env_file_fields() {
  static const std::vector<Field<EnvFile>> fields = {
      field<EnvFile, &EnvFile::path>("path"),
      {"required", [](const Node& n, const std::string& p, EnvFile& e, Ctx& c) { decode_value(n, p, e.required, c); },
       [](const EnvFile& e) -> std::optional<Node> { return plain_node(e.required ? "true" : "false"); }},
      field<EnvFile, &EnvFile::format>("format"),
  };
  return fields;
}

// A list of names or a mapping of name -> T (null meaning defaults), as depends_on and networks are.
template <class T, class Put>
void decode_name_map(const Node& n, const std::string& path, Put put) {
  if (n.is_null()) return;
  if (n.is_sequence()) {
    for (size_t i = 0; i < n.items.size(); ++i) put(scalar_text(n.items[i], path_index(path, i)), nullptr, "");
    return;
  }
  if (!n.is_mapping()) throw error_at(n, path, "must be a list or a mapping, not a " + std::string(n.kind_name()));
  for (const Entry& e : n.entries) put(e.key, &e.value, path_join(path, e.key));
}

}  // namespace

void decode_ports(const Node& n, const std::string& path, std::vector<ServicePort>& out, Ctx& ctx) {
  for_each_item(n, path, [&](const Node& item, const std::string& p) {
    if (item.is_mapping()) {
      ServicePort port;
      decode_fields(item, p, port, port_fields(), ctx);
      if (port.target == 0) throw error_at(item, p, "target is required and must be a port between 1 and 65535");
      out.push_back(std::move(port));
      return;
    }
    for (auto& port : parse_scalar(item, p, parse_port_spec)) out.push_back(std::move(port));
  });
}

std::optional<Node> encode_ports(const std::vector<ServicePort>& v) { return encode_list(v, port_fields()); }

void decode_volumes(const Node& n, const std::string& path, std::vector<ServiceVolume>& out, Ctx& ctx) {
  for_each_item(n, path, [&](const Node& item, const std::string& p) {
    if (item.is_mapping()) {
      ServiceVolume vol;
      decode_fields(item, p, vol, volume_fields(), ctx);
      if (vol.type.empty()) throw error_at(item, p, "type is required (bind, volume, tmpfs, image, npipe or cluster)");
      if (vol.target.empty()) throw error_at(item, p, "target is required");
      out.push_back(std::move(vol));
      return;
    }
    out.push_back(parse_scalar(item, p, parse_volume_spec));
  });
}

std::optional<Node> encode_volumes(const std::vector<ServiceVolume>& v) { return encode_list(v, volume_fields()); }

void decode_depends_on(const Node& n, const std::string& path, std::map<std::string, ServiceDependency>& out, Ctx& ctx) {
  decode_name_map<ServiceDependency>(n, path, [&](const std::string& name, const Node* value, const std::string& p) {
    ServiceDependency dep;
    if (value) {
      decode_fields(*value, p, dep, dependency_fields(), ctx);
      static const char* kConditions[] = {"service_started", "service_healthy", "service_completed_successfully"};
      if (std::find(std::begin(kConditions), std::end(kConditions), dep.condition) == std::end(kConditions))
        throw error_at(*value->find("condition"), path_join(p, "condition"),
                       "invalid condition \"" + dep.condition +
                           "\": must be service_started, service_healthy or service_completed_successfully");
    }
    out[name] = dep;
  });
}

std::optional<Node> encode_depends_on(const std::map<std::string, ServiceDependency>& v) {
  if (v.empty()) return std::nullopt;
  Node map = Node::mapping();
  for (const auto& [name, dep] : v) map.set(name, encode_fields(dep, dependency_fields()));
  return map;
}

void decode_service_networks(const Node& n, const std::string& path,
                             std::map<std::string, std::optional<ServiceNetwork>>& out, Ctx& ctx) {
  decode_name_map<ServiceNetwork>(n, path, [&](const std::string& name, const Node* value, const std::string& p) {
    if (!value || value->is_null()) {
      out[name] = std::nullopt;
      return;
    }
    ServiceNetwork net;
    decode_fields(*value, p, net, service_network_fields(), ctx);
    out[name] = std::move(net);
  });
}

std::optional<Node> encode_service_networks(const std::map<std::string, std::optional<ServiceNetwork>>& v) {
  if (v.empty()) return std::nullopt;
  Node map = Node::mapping();
  for (const auto& [name, net] : v) map.set(name, net ? encode_fields(*net, service_network_fields()) : Node::null());
  return map;
}

void decode_healthcheck(const Node& n, const std::string& path, std::optional<Healthcheck>& out, Ctx& ctx) {
  decode_options(n, path, out, healthcheck_fields(), ctx);
}

std::optional<Node> encode_healthcheck(const std::optional<Healthcheck>& v) {
  return encode_options(v, healthcheck_fields());
}

void decode_ulimits(const Node& n, const std::string& path, std::map<std::string, Ulimit>& out, Ctx& ctx) {
  if (n.is_null()) return;
  if (!n.is_mapping()) throw error_at(n, path, "must be a mapping, not a " + std::string(n.kind_name()));
  for (const Entry& e : n.entries) {
    const std::string p = path_join(path, e.key);
    Ulimit u;
    if (e.value.is_mapping()) {
      for (const Entry& f : e.value.entries) {
        if (f.key == "soft") {
          decode_value(f.value, path_join(p, "soft"), u.soft, ctx);
        } else if (f.key == "hard") {
          decode_value(f.value, path_join(p, "hard"), u.hard, ctx);
        } else {
          throw error_at(f.key_mark, p, "unknown key \"" + f.key + "\" (ulimits take soft and hard)");
        }
      }
      if (!e.value.find("soft") || !e.value.find("hard")) throw error_at(e.value, p, "both soft and hard are required");
      if (u.soft > u.hard)
        throw error_at(e.value, p, "soft limit " + std::to_string(u.soft) + " is above hard limit " + std::to_string(u.hard));
    } else {
      int64_t value = 0;
      decode_value(e.value, p, value, ctx);
      u.single = value;
      u.soft = u.hard = value;
    }
    out[e.key] = u;
  }
}

std::optional<Node> encode_ulimits(const std::map<std::string, Ulimit>& v) {
  if (v.empty()) return std::nullopt;
  Node map = Node::mapping();
  for (const auto& [name, u] : v) {
    if (u.single) {
      map.set(name, plain_node(std::to_string(*u.single)));
    } else {
      Node sh = Node::mapping();
      sh.set("soft", plain_node(std::to_string(u.soft)));
      sh.set("hard", plain_node(std::to_string(u.hard)));
      map.set(name, std::move(sh));
    }
  }
  return map;
}

void decode_logging(const Node& n, const std::string& path, std::optional<Logging>& out, Ctx& ctx) {
  decode_options(n, path, out, logging_fields(), ctx);
}

std::optional<Node> encode_logging(const std::optional<Logging>& v) { return encode_options(v, logging_fields()); }

void decode_devices(const Node& n, const std::string& path, std::vector<DeviceMapping>& out, Ctx& ctx) {
  for_each_item(n, path, [&](const Node& item, const std::string& p) {
    if (item.is_mapping()) {
      DeviceMapping d;
      decode_fields(item, p, d, device_fields(), ctx);
      if (d.source.empty()) throw error_at(item, p, "source is required");
      if (d.target.empty()) d.target = d.source;
      out.push_back(std::move(d));
      return;
    }
    out.push_back(parse_scalar(item, p, parse_device_spec));
  });
}

std::optional<Node> encode_devices(const std::vector<DeviceMapping>& v) { return encode_list(v, device_fields()); }

void decode_file_refs(const Node& n, const std::string& path, std::vector<FileReference>& out, Ctx& ctx) {
  for_each_item(n, path, [&](const Node& item, const std::string& p) {
    FileReference ref;
    if (item.is_mapping()) {
      decode_fields(item, p, ref, file_ref_fields(), ctx);
      if (ref.source.empty()) throw error_at(item, p, "source is required");
    } else {
      ref.source = scalar_text(item, p);
    }
    out.push_back(std::move(ref));
  });
}

std::optional<Node> encode_file_refs(const std::vector<FileReference>& v) { return encode_list(v, file_ref_fields()); }

void decode_extra_hosts(const Node& n, const std::string& path, std::vector<std::pair<std::string, std::string>>& out,
                        Ctx&) {
  if (n.is_mapping()) {
    // host: address, or host: [address, ...] for several addresses.
    for (const Entry& e : n.entries) {
      const std::string p = path_join(path, e.key);
      if (e.value.is_sequence()) {
        for (size_t i = 0; i < e.value.items.size(); ++i)
          out.emplace_back(e.key, scalar_text(e.value.items[i], path_index(p, i)));
      } else {
        out.emplace_back(e.key, scalar_text(e.value, p));
      }
    }
    return;
  }
  for_each_item(n, path, [&](const Node& item, const std::string& p) {
    for (auto& host : parse_scalar(item, p, parse_extra_hosts)) out.push_back(std::move(host));
  });
}

std::optional<Node> encode_extra_hosts(const std::vector<std::pair<std::string, std::string>>& v) {
  if (v.empty()) return std::nullopt;
  Node seq = Node::sequence();
  for (const auto& [host, addr] : v) seq.push(str_node(host + "=" + addr));
  return seq;
}

void decode_env_files(const Node& n, const std::string& path, std::vector<EnvFile>& out, Ctx& ctx) {
  if (n.is_scalar()) {
    out.push_back(EnvFile{n.value, true, ""});
    return;
  }
  for_each_item(n, path, [&](const Node& item, const std::string& p) {
    EnvFile f;
    if (item.is_mapping()) {
      decode_fields(item, p, f, env_file_fields(), ctx);
      if (f.path.empty()) throw error_at(item, p, "path is required");
    } else {
      f.path = scalar_text(item, p);
    }
    out.push_back(std::move(f));
  });
}

std::optional<Node> encode_env_files(const std::vector<EnvFile>& v) { return encode_list(v, env_file_fields()); }

}  // namespace stack::compose::codec
