// The services.* table: every key of the Compose Specification's service.
#include "compose/codec.hpp"
#include "compose/codec_fields.hpp"
#include "compose/codec_parts.hpp"

namespace stack::compose {
namespace {

using codec::Ctx;
using codec::Field;
using S = Service;

const std::vector<Field<S>>& service_fields() {
  using namespace codec;
  static const std::vector<Field<S>> fields = {
      field<S, &S::attach>("attach"),
      part_field<S, &S::blkio_config, decode_blkio, encode_blkio>("blkio_config"),
      part_field<S, &S::build, decode_build, encode_build>("build"),
      field<S, &S::cap_add>("cap_add"),
      field<S, &S::cap_drop>("cap_drop"),
      field<S, &S::cgroup>("cgroup"),
      field<S, &S::cgroup_parent>("cgroup_parent"),
      {"command", [](const Node& n, const std::string& p, S& s, Ctx& c) { decode_command(n, p, s.command, c); },
       [](const S& s) { return encode_value(s.command); }},
      part_field<S, &S::configs, decode_file_refs, encode_file_refs>("configs"),
      field<S, &S::container_name>("container_name"),
      field<S, &S::cpu_count>("cpu_count"),
      field<S, &S::cpu_percent>("cpu_percent"),
      field<S, &S::cpu_period>("cpu_period"),
      field<S, &S::cpu_quota>("cpu_quota"),
      field<S, &S::cpu_rt_period>("cpu_rt_period"),
      field<S, &S::cpu_rt_runtime>("cpu_rt_runtime"),
      field<S, &S::cpu_shares>("cpu_shares"),
      field<S, &S::cpus>("cpus"),
      field<S, &S::cpuset>("cpuset"),
      part_field<S, &S::depends_on, decode_depends_on, encode_depends_on>("depends_on"),
      part_field<S, &S::deploy, decode_deploy, encode_deploy>("deploy"),
      field<S, &S::device_cgroup_rules>("device_cgroup_rules"),
      part_field<S, &S::devices, decode_devices, encode_devices>("devices"),
      string_or_list_field<S, &S::dns>("dns"),
      string_or_list_field<S, &S::dns_opt>("dns_opt"),
      string_or_list_field<S, &S::dns_search>("dns_search"),
      field<S, &S::domainname>("domainname"),
      {"entrypoint", [](const Node& n, const std::string& p, S& s, Ctx& c) { decode_command(n, p, s.entrypoint, c); },
       [](const S& s) { return encode_value(s.entrypoint); }},
      part_field<S, &S::env_file, decode_env_files, encode_env_files>("env_file"),
      field<S, &S::environment>("environment"),
      field<S, &S::expose>("expose"),
      // extends is resolved by its own pass before decoding; nothing is left to keep.
      {"extends", [](const Node&, const std::string&, S&, Ctx&) {}, nullptr},
      field<S, &S::external_links>("external_links"),
      part_field<S, &S::extra_hosts, decode_extra_hosts, encode_extra_hosts>("extra_hosts"),
      {"gpus", [](const Node& n, const std::string& p, S& s, Ctx& c) { decode_gpus(n, p, s.gpus, c); },
       [](const S& s) { return encode_device_requests(s.gpus); }},
      field<S, &S::group_add>("group_add"),
      part_field<S, &S::healthcheck, decode_healthcheck, encode_healthcheck>("healthcheck"),
      field<S, &S::hostname>("hostname"),
      field<S, &S::image>("image"),
      field<S, &S::init>("init"),
      field<S, &S::ipc>("ipc"),
      field<S, &S::labels>("labels"),
      string_or_list_field<S, &S::label_file>("label_file"),
      field<S, &S::links>("links"),
      part_field<S, &S::logging, decode_logging, encode_logging>("logging"),
      field<S, &S::mac_address>("mac_address"),
      bytes_field<S, &S::mem_limit>("mem_limit"),
      bytes_field<S, &S::mem_reservation>("mem_reservation"),
      field<S, &S::mem_swappiness>("mem_swappiness"),
      bytes_field<S, &S::memswap_limit>("memswap_limit"),
      field<S, &S::network_mode>("network_mode"),
      part_field<S, &S::networks, decode_service_networks, encode_service_networks>("networks"),
      field<S, &S::oom_kill_disable>("oom_kill_disable"),
      field<S, &S::oom_score_adj>("oom_score_adj"),
      field<S, &S::pid>("pid"),
      field<S, &S::pids_limit>("pids_limit"),
      field<S, &S::platform>("platform"),
      part_field<S, &S::ports, decode_ports, encode_ports>("ports"),
      field<S, &S::privileged>("privileged"),
      field<S, &S::profiles>("profiles"),
      field<S, &S::pull_policy>("pull_policy"),
      field<S, &S::read_only>("read_only"),
      field<S, &S::restart>("restart"),
      field<S, &S::runtime>("runtime"),
      field<S, &S::scale>("scale"),
      part_field<S, &S::secrets, decode_file_refs, encode_file_refs>("secrets"),
      field<S, &S::security_opt>("security_opt"),
      bytes_field<S, &S::shm_size>("shm_size"),
      field<S, &S::stdin_open>("stdin_open"),
      duration_field<S, &S::stop_grace_period>("stop_grace_period"),
      field<S, &S::stop_signal>("stop_signal"),
      field<S, &S::storage_opt>("storage_opt"),
      field<S, &S::sysctls>("sysctls"),
      string_or_list_field<S, &S::tmpfs>("tmpfs"),
      field<S, &S::tty>("tty"),
      part_field<S, &S::ulimits, decode_ulimits, encode_ulimits>("ulimits"),
      field<S, &S::user>("user"),
      field<S, &S::userns_mode>("userns_mode"),
      field<S, &S::uts>("uts"),
      part_field<S, &S::volumes, decode_volumes, encode_volumes>("volumes"),
      field<S, &S::volumes_from>("volumes_from"),
      field<S, &S::working_dir>("working_dir"),
  };
  return fields;
}

// Keys of the specification kept verbatim: lifecycle hooks, annotations, `develop`
// (watch), model and provider services. They reach `stack config` output unchanged.
const std::vector<std::string_view> kPassthroughKeys = {
    "annotations", "credential_spec", "develop", "isolation", "models", "post_start", "pre_stop", "provider",
    "use_api_socket"};

// Of those, the ones that can never apply to a container on one Linux host.
const std::vector<std::string_view> kNotOnLinuxKeys = {"credential_spec", "isolation"};

void warn_unsupported(const Service& s, Ctx& ctx) {
  for (auto key : kNotOnLinuxKeys)
    if (s.extras.count(std::string(key)))
      ctx.warn("services." + s.name + "." + std::string(key) + " applies to Windows containers only and is ignored");
  if (s.cpu_count || s.cpu_percent)
    ctx.warn("services." + s.name + ": cpu_count and cpu_percent apply to Windows containers only and are ignored");
}

}  // namespace

Service decode_service(const Node& node, const std::string& name, Warnings* warnings) {
  Ctx ctx{warnings};
  Service s;
  s.name = name;
  const std::string path = path_join("services", name);
  if (node.is_null()) return s;
  codec::decode_fields(node, path, s, service_fields(), ctx, &s.extensions, kPassthroughKeys, &s.extras);
  warn_unsupported(s, ctx);
  return s;
}

Node encode_service(const Service& service) {
  return codec::encode_fields(service, service_fields(), &service.extensions, &service.extras);
}

}  // namespace stack::compose
