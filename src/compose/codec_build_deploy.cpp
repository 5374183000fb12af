// deploy, blkio_config, build and device requests: the nested service structs.
#include "compose/codec_fields.hpp"
#include "compose/codec_parts.hpp"

namespace stack::compose::codec {
namespace {

void decode_count(const Node& n, const std::string& p, DeviceRequest& d, Ctx& c) {
  if (n.is_scalar() && n.value == "all") {
    d.count = -1;
    return;
  }
  decode_value(n, p, d.count, c);
}

const std::vector<Field<DeviceRequest>>& device_request_fields() {
  static const std::vector<Field<DeviceRequest>> fields = {
      field<DeviceRequest, &DeviceRequest::capabilities>("capabilities"),
      field<DeviceRequest, &DeviceRequest::driver>("driver"),
      {"count", decode_count,
       [](const DeviceRequest& d) -> std::optional<Node> {
         if (!d.count) return std::nullopt;
         return *d.count < 0 ? str_node("all") : plain_node(std::to_string(*d.count));
       }},
      field<DeviceRequest, &DeviceRequest::device_ids>("device_ids"),
      field<DeviceRequest, &DeviceRequest::options>("options"),
  };
  return fields;
}

void decode_cpus(const Node& n, const std::string& p, std::optional<double>& out, Ctx& c) {
  decode_value(n, p, out, c);
  if (out && *out < 0) throw error_at(n, p, "must not be negative");
}

const std::vector<Field<Resource>>& resource_fields() {
  static const std::vector<Field<Resource>> fields = {
      {"cpus", [](const Node& n, const std::string& p, Resource& r, Ctx& c) { decode_cpus(n, p, r.cpus, c); },
       [](const Resource& r) { return encode_value(r.cpus); }},
      bytes_field<Resource, &Resource::memory>("memory"),
      field<Resource, &Resource::pids>("pids"),
      {"devices",
       [](const Node& n, const std::string& p, Resource& r, Ctx& c) { decode_device_requests(n, p, r.devices, c); },
       [](const Resource& r) { return encode_device_requests(r.devices); }},
  };
  return fields;
}

struct Resources {  // deploy.resources as written; the model keeps limits/reservations flat on Deploy
  std::optional<Resource> limits;
  std::optional<Resource> reservations;
};

template <auto Member>
Field<Resources> resource_field(std::string_view key) {
  return {key,
          [](const Node& n, const std::string& p, Resources& r, Ctx& c) { decode_options(n, p, r.*Member, resource_fields(), c); },
          [](const Resources& r) { return encode_options(r.*Member, resource_fields()); }};
}

const std::vector<Field<Resources>>& resources_fields() {
  static const std::vector<Field<Resources>> fields = {
      resource_field<&Resources::limits>("limits"),
      resource_field<&Resources::reservations>("reservations"),
  };
  return fields;
}

const std::vector<Field<RestartPolicy>>& restart_policy_fields() {
  static const std::vector<Field<RestartPolicy>> fields = {
      field<RestartPolicy, &RestartPolicy::condition>("condition"),
      duration_field<RestartPolicy, &RestartPolicy::delay>("delay"),
      field<RestartPolicy, &RestartPolicy::max_attempts>("max_attempts"),
      duration_field<RestartPolicy, &RestartPolicy::window>("window"),
  };
  return fields;
}

const std::vector<Field<Deploy>>& deploy_fields() {
  static const std::vector<Field<Deploy>> fields = {
      field<Deploy, &Deploy::mode>("mode"),
      field<Deploy, &Deploy::replicas>("replicas"),
      field<Deploy, &Deploy::labels>("labels"),
      {"resources",
       [](const Node& n, const std::string& p, Deploy& d, Ctx& c) {
         Resources r;
         decode_fields(n, p, r, resources_fields(), c);
         d.limits = std::move(r.limits);
         d.reservations = std::move(r.reservations);
       },
       [](const Deploy& d) -> std::optional<Node> {
         if (!d.limits && !d.reservations) return std::nullopt;
         return encode_fields(Resources{d.limits, d.reservations}, resources_fields());
       }},
      {"restart_policy",
       [](const Node& n, const std::string& p, Deploy& d, Ctx& c) {
         decode_options(n, p, d.restart_policy, restart_policy_fields(), c);
       },
       [](const Deploy& d) { return encode_options(d.restart_policy, restart_policy_fields()); }},
  };
  return fields;
}

// Swarm-only deploy keys: accepted and printed back, never applied on one host.
const std::vector<std::string_view> kDeploySwarmKeys = {"placement", "update_config", "rollback_config", "endpoint_mode"};

template <auto Member>
Field<BlkioConfig> throttle_field(std::string_view key) {
  return {key,
          [](const Node& n, const std::string& p, BlkioConfig& b, Ctx& c) {
            for_each_item(n, p, [&](const Node& item, const std::string& ip) {
              ThrottleDevice t;
              if (!item.is_mapping()) throw error_at(item, ip, "must be a mapping with path and rate");
              for (const Entry& e : item.entries) {
                const std::string ep = path_join(ip, e.key);
                if (e.key == "path") {
                  decode_value(e.value, ep, t.path, c);
                } else if (e.key == "rate") {
                  std::optional<Bytes> rate;
                  decode_bytes(e.value, ep, rate);  // "10mb" for bps; plain numbers for iops
                  t.rate = rate.value_or(0);
                } else {
                  throw error_at(e.key_mark, ip, "unknown key \"" + e.key + "\"");
                }
              }
              (b.*Member).push_back(std::move(t));
            });
          },
          [](const BlkioConfig& b) -> std::optional<Node> {
            if ((b.*Member).empty()) return std::nullopt;
            Node seq = Node::sequence();
            for (const auto& t : b.*Member) {
              Node m = Node::mapping();
              m.set("path", str_node(t.path));
              m.set("rate", plain_node(std::to_string(t.rate)));
              seq.push(std::move(m));
            }
            return seq;
          }};
}

const std::vector<Field<WeightDevice>>& weight_device_fields() {
  static const std::vector<Field<WeightDevice>> fields = {
      field<WeightDevice, &WeightDevice::path>("path"),
      {"weight", [](const Node& n, const std::string& p, WeightDevice& w, Ctx& c) { decode_value(n, p, w.weight, c); },
       [](const WeightDevice& w) -> std::optional<Node> { return plain_node(std::to_string(w.weight)); }},
  };
  return fields;
}

const std::vector<Field<BlkioConfig>>& blkio_fields() {
  static const std::vector<Field<BlkioConfig>> fields = {
      field<BlkioConfig, &BlkioConfig::weight>("weight"),
      {"weight_device",
       [](const Node& n, const std::string& p, BlkioConfig& b, Ctx& c) {
         for_each_item(n, p, [&](const Node& item, const std::string& ip) {
           WeightDevice w;
           decode_fields(item, ip, w, weight_device_fields(), c);
           b.weight_device.push_back(std::move(w));
         });
       },
       [](const BlkioConfig& b) { return encode_list(b.weight_device, weight_device_fields()); }},
      throttle_field<&BlkioConfig::device_read_bps>("device_read_bps"),
      throttle_field<&BlkioConfig::device_read_iops>("device_read_iops"),
      throttle_field<&BlkioConfig::device_write_bps>("device_write_bps"),
      throttle_field<&BlkioConfig::device_write_iops>("device_write_iops"),
  };
  return fields;
}

const std::vector<Field<BuildConfig>>& build_fields() {
  static const std::vector<Field<BuildConfig>> fields = {
      field<BuildConfig, &BuildConfig::context>("context"),
      field<BuildConfig, &BuildConfig::dockerfile>("dockerfile"),
      field<BuildConfig, &BuildConfig::dockerfile_inline>("dockerfile_inline"),
      field<BuildConfig, &BuildConfig::args>("args"),
      {"ssh",
       [](const Node& n, const std::string& p, BuildConfig& b, Ctx& c) {
         // ssh: [default, id=path] or {id: path}
         if (n.is_mapping()) {
           StringMap m;
           decode_value(n, p, m, c);
           for (const auto& [k, v] : m) b.ssh.push_back(v.empty() ? k : k + "=" + v);
         } else {
           decode_string_or_list(n, p, b.ssh, c);
         }
       },
       [](const BuildConfig& b) { return encode_value(b.ssh); }},
      field<BuildConfig, &BuildConfig::cache_from>("cache_from"),
      field<BuildConfig, &BuildConfig::cache_to>("cache_to"),
      field<BuildConfig, &BuildConfig::no_cache>("no_cache"),
      field<BuildConfig, &BuildConfig::additional_contexts>("additional_contexts"),
      field<BuildConfig, &BuildConfig::network>("network"),
      field<BuildConfig, &BuildConfig::pull>("pull"),
      field<BuildConfig, &BuildConfig::target>("target"),
      bytes_field<BuildConfig, &BuildConfig::shm_size>("shm_size"),
      {"extra_hosts",
       [](const Node& n, const std::string& p, BuildConfig& b, Ctx& c) { decode_extra_hosts(n, p, b.extra_hosts, c); },
       [](const BuildConfig& b) { return encode_extra_hosts(b.extra_hosts); }},
      field<BuildConfig, &BuildConfig::isolation>("isolation"),
      field<BuildConfig, &BuildConfig::privileged>("privileged"),
      {"secrets", [](const Node& n, const std::string& p, BuildConfig& b, Ctx& c) { decode_file_refs(n, p, b.secrets, c); },
       [](const BuildConfig& b) { return encode_file_refs(b.secrets); }},
      field<BuildConfig, &BuildConfig::tags>("tags"),
      {"ulimits", [](const Node& n, const std::string& p, BuildConfig& b, Ctx& c) { decode_ulimits(n, p, b.ulimits, c); },
       [](const BuildConfig& b) { return encode_ulimits(b.ulimits); }},
      field<BuildConfig, &BuildConfig::platforms>("platforms"),
      field<BuildConfig, &BuildConfig::labels>("labels"),
  };
  return fields;
}

}  // namespace

void decode_device_requests(const Node& n, const std::string& path, std::vector<DeviceRequest>& out, Ctx& ctx) {
  for_each_item(n, path, [&](const Node& item, const std::string& p) {
    DeviceRequest d;
    decode_fields(item, p, d, device_request_fields(), ctx);
    out.push_back(std::move(d));
  });
}

std::optional<Node> encode_device_requests(const std::vector<DeviceRequest>& v) {
  return encode_list(v, device_request_fields());
}

void decode_gpus(const Node& n, const std::string& path, std::vector<DeviceRequest>& out, Ctx& ctx) {
  if (n.is_scalar()) {
    if (n.value != "all") throw error_at(n, path, "must be \"all\" or a list of device requests");
    DeviceRequest d;
    d.capabilities = {"gpu"};
    d.count = -1;
    out.push_back(std::move(d));
    return;
  }
  decode_device_requests(n, path, out, ctx);
}

void decode_deploy(const Node& n, const std::string& path, std::optional<Deploy>& out, Ctx& ctx) {
  if (n.is_null()) return;
  Deploy d;
  decode_fields(n, path, d, deploy_fields(), ctx, nullptr, kDeploySwarmKeys, &d.extras);
  if (d.mode == "global") ctx.warn(path + ".mode: global has no meaning on a single host; one replica is run");
  out = std::move(d);
}

std::optional<Node> encode_deploy(const std::optional<Deploy>& v) {
  if (!v) return std::nullopt;
  return encode_fields(*v, deploy_fields(), nullptr, &v->extras);
}

void decode_blkio(const Node& n, const std::string& path, std::optional<BlkioConfig>& out, Ctx& ctx) {
  decode_options(n, path, out, blkio_fields(), ctx);
}

std::optional<Node> encode_blkio(const std::optional<BlkioConfig>& v) { return encode_options(v, blkio_fields()); }

void decode_build(const Node& n, const std::string& path, std::optional<BuildConfig>& out, Ctx& ctx) {
  if (n.is_null()) return;
  BuildConfig b;
  if (n.is_scalar()) {
    b.context = n.value;  // `build: ./dir`
  } else {
    decode_fields(n, path, b, build_fields(), ctx);
  }
  out = std::move(b);
}

std::optional<Node> encode_build(const std::optional<BuildConfig>& v) {
  if (!v) return std::nullopt;
  return encode_fields(*v, build_fields());
}

}  // namespace stack::compose::codec
