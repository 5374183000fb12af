// The top level of a compose file: name, services, networks, volumes, secrets, configs.
#include "compose/codec.hpp"
#include "compose/codec_fields.hpp"

namespace stack::compose {
namespace {

using codec::Ctx;
using codec::Field;
using codec::field;

// `external: true`, or the legacy `external: {name: x}` (which also sets the name).
template <class T>
Field<T> external_field() {
  return {"external",
          [](const Node& n, const std::string& p, T& obj, Ctx& c) {
            if (n.is_mapping()) {
              obj.external = true;
              for (const Entry& e : n.entries) {
                if (e.key != "name") throw error_at(e.key_mark, p, "unknown key \"" + e.key + "\"");
                codec::decode_value(e.value, path_join(p, "name"), obj.name, c);
              }
              c.warn(p + ": external.name is deprecated; use name: instead");
              return;
            }
            codec::decode_value(n, p, obj.external, c);
          },
          [](const T& obj) { return codec::encode_value(obj.external); }};
}

const std::vector<Field<IpamPool>>& ipam_pool_fields() {
  static const std::vector<Field<IpamPool>> fields = {
      field<IpamPool, &IpamPool::subnet>("subnet"),
      field<IpamPool, &IpamPool::ip_range>("ip_range"),
      field<IpamPool, &IpamPool::gateway>("gateway"),
      field<IpamPool, &IpamPool::aux_addresses>("aux_addresses"),
  };
  return fields;
}

const std::vector<Field<Ipam>>& ipam_fields() {
  static const std::vector<Field<Ipam>> fields = {
      field<Ipam, &Ipam::driver>("driver"),
      {"config",
       [](const Node& n, const std::string& p, Ipam& ipam, Ctx& c) {
         if (n.is_null()) return;
         if (!n.is_sequence()) throw error_at(n, p, "must be a list, not a " + std::string(n.kind_name()));
         for (size_t i = 0; i < n.items.size(); ++i) {
           IpamPool pool;
           codec::decode_fields(n.items[i], path_index(p, i), pool, ipam_pool_fields(), c);
           ipam.config.push_back(std::move(pool));
         }
       },
       [](const Ipam& ipam) { return codec::encode_list(ipam.config, ipam_pool_fields()); }},
      field<Ipam, &Ipam::options>("options"),
  };
  return fields;
}

const std::vector<Field<Network>>& network_fields() {
  static const std::vector<Field<Network>> fields = {
      field<Network, &Network::name>("name"),
      field<Network, &Network::driver>("driver"),
      field<Network, &Network::driver_opts>("driver_opts"),
      {"ipam",
       [](const Node& n, const std::string& p, Network& net, Ctx& c) { codec::decode_options(n, p, net.ipam, ipam_fields(), c); },
       [](const Network& net) { return codec::encode_options(net.ipam, ipam_fields()); }},
      external_field<Network>(),
      field<Network, &Network::internal>("internal"),
      field<Network, &Network::attachable>("attachable"),
      field<Network, &Network::enable_ipv4>("enable_ipv4"),
      field<Network, &Network::enable_ipv6>("enable_ipv6"),
      field<Network, &Network::labels>("labels"),
  };
  return fields;
}

const std::vector<Field<Volume>>& volume_fields() {
  static const std::vector<Field<Volume>> fields = {
      field<Volume, &Volume::name>("name"),
      field<Volume, &Volume::driver>("driver"),
      field<Volume, &Volume::driver_opts>("driver_opts"),
      external_field<Volume>(),
      field<Volume, &Volume::labels>("labels"),
  };
  return fields;
}

// Secrets and configs share one table; `content` is for configs only.
std::vector<Field<FileObject>> file_object_fields(bool configs) {
  std::vector<Field<FileObject>> fields = {
      field<FileObject, &FileObject::name>("name"),
      field<FileObject, &FileObject::file>("file"),
      field<FileObject, &FileObject::environment>("environment"),
      external_field<FileObject>(),
      field<FileObject, &FileObject::labels>("labels"),
      field<FileObject, &FileObject::driver>("driver"),
      field<FileObject, &FileObject::driver_opts>("driver_opts"),
      field<FileObject, &FileObject::template_driver>("template_driver"),
  };
  if (configs) fields.insert(fields.begin() + 3, field<FileObject, &FileObject::content>("content"));
  return fields;
}

const std::vector<Field<FileObject>>& secret_fields() {
  static const auto fields = file_object_fields(false);
  return fields;
}

const std::vector<Field<FileObject>>& config_fields() {
  static const auto fields = file_object_fields(true);
  return fields;
}

template <class T>
void decode_section(const Node* n, const std::string& section, std::map<std::string, T>& out,
                    const std::vector<Field<T>>& fields, Ctx& ctx) {
  if (!n || n->is_null()) return;
  if (!n->is_mapping()) throw error_at(*n, section, "must be a mapping, not a " + std::string(n->kind_name()));
  for (const Entry& e : n->entries) {
    T obj;
    obj.key = e.key;
    codec::decode_fields(e.value, path_join(section, e.key), obj, fields, ctx, &obj.extensions);
    out[e.key] = std::move(obj);
  }
}

template <class T>
void encode_section(Node& root, const std::string& section, const std::map<std::string, T>& items,
                    const std::vector<Field<T>>& fields) {
  if (items.empty()) return;
  Node map = Node::mapping();
  for (const auto& [key, obj] : items) map.set(key, codec::encode_fields(obj, fields, &obj.extensions));
  root.set(section, std::move(map));
}

}  // namespace

Project decode_project(const Node& root, Warnings* warnings) {
  Ctx ctx{warnings};
  Project p;
  if (!root.is_mapping()) throw error_at(root, "", "top-level object must be a mapping, not a " + std::string(root.kind_name()));
  for (const Entry& e : root.entries) {
    const std::string& k = e.key;
    if (k == "version") {
      ctx.warn(e.key_mark.str() + ": the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion");
    } else if (k == "name") {
      codec::decode_value(e.value, "name", p.name, ctx);
    } else if (k == "include") {
      // resolved by the include pass before decoding
    } else if (k == "services") {
      if (e.value.is_null()) continue;
      if (!e.value.is_mapping()) throw error_at(e.value, "services", "must be a mapping, not a " + std::string(e.value.kind_name()));
      for (const Entry& s : e.value.entries) p.services[s.key] = decode_service(s.value, s.key, warnings);
    } else if (k == "networks") {
      decode_section(&e.value, "networks", p.networks, network_fields(), ctx);
    } else if (k == "volumes") {
      decode_section(&e.value, "volumes", p.volumes, volume_fields(), ctx);
    } else if (k == "secrets") {
      decode_section(&e.value, "secrets", p.secrets, secret_fields(), ctx);
    } else if (k == "configs") {
      decode_section(&e.value, "configs", p.configs, config_fields(), ctx);
    } else if (k.rfind("x-", 0) == 0 || k == "models") {
      p.extensions[k] = e.value;
    } else {
      throw error_at(e.key_mark, "", "unknown top-level key \"" + k + "\"",
                     codec::suggest_key(k, {"name", "services", "networks", "volumes", "secrets", "configs", "include"}));
    }
  }
  return p;
}

Node encode_project(const Project& project) {
  Node root = Node::mapping();
  if (!project.name.empty()) root.set("name", codec::str_node(project.name));
  Node services = Node::mapping();
  for (const auto& [name, s] : project.services) services.set(name, encode_service(s));
  root.set("services", std::move(services));
  encode_section(root, "networks", project.networks, network_fields());
  encode_section(root, "volumes", project.volumes, volume_fields());
  encode_section(root, "secrets", project.secrets, secret_fields());
  encode_section(root, "configs", project.configs, config_fields());
  for (const auto& [k, v] : project.extensions) root.set(k, v);
  return root;
}

}  // namespace stack::compose
