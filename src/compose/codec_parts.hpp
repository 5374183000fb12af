// Decoders and encoders of the structured service keys (ports, volumes, networks,
// depends_on, healthcheck, ulimits, deploy, build, ...). Internal to src/compose.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compose/codec_value.hpp"

namespace stack::compose::codec {

void decode_ports(const Node& n, const std::string& path, std::vector<ServicePort>& out, Ctx& ctx);
std::optional<Node> encode_ports(const std::vector<ServicePort>& v);

void decode_volumes(const Node& n, const std::string& path, std::vector<ServiceVolume>& out, Ctx& ctx);
std::optional<Node> encode_volumes(const std::vector<ServiceVolume>& v);

void decode_depends_on(const Node& n, const std::string& path, std::map<std::string, ServiceDependency>& out, Ctx& ctx);
std::optional<Node> encode_depends_on(const std::map<std::string, ServiceDependency>& v);

void decode_service_networks(const Node& n, const std::string& path,
                             std::map<std::string, std::optional<ServiceNetwork>>& out, Ctx& ctx);
std::optional<Node> encode_service_networks(const std::map<std::string, std::optional<ServiceNetwork>>& v);

void decode_healthcheck(const Node& n, const std::string& path, std::optional<Healthcheck>& out, Ctx& ctx);
std::optional<Node> encode_healthcheck(const std::optional<Healthcheck>& v);

void decode_ulimits(const Node& n, const std::string& path, std::map<std::string, Ulimit>& out, Ctx& ctx);
std::optional<Node> encode_ulimits(const std::map<std::string, Ulimit>& v);

void decode_logging(const Node& n, const std::string& path, std::optional<Logging>& out, Ctx& ctx);
std::optional<Node> encode_logging(const std::optional<Logging>& v);

void decode_devices(const Node& n, const std::string& path, std::vector<DeviceMapping>& out, Ctx& ctx);
std::optional<Node> encode_devices(const std::vector<DeviceMapping>& v);

void decode_device_requests(const Node& n, const std::string& path, std::vector<DeviceRequest>& out, Ctx& ctx);
std::optional<Node> encode_device_requests(const std::vector<DeviceRequest>& v);

void decode_gpus(const Node& n, const std::string& path, std::vector<DeviceRequest>& out, Ctx& ctx);

void decode_file_refs(const Node& n, const std::string& path, std::vector<FileReference>& out, Ctx& ctx);
std::optional<Node> encode_file_refs(const std::vector<FileReference>& v);

void decode_extra_hosts(const Node& n, const std::string& path,
                        std::vector<std::pair<std::string, std::string>>& out, Ctx& ctx);
std::optional<Node> encode_extra_hosts(const std::vector<std::pair<std::string, std::string>>& v);

void decode_env_files(const Node& n, const std::string& path, std::vector<EnvFile>& out, Ctx& ctx);
std::optional<Node> encode_env_files(const std::vector<EnvFile>& v);

void decode_deploy(const Node& n, const std::string& path, std::optional<Deploy>& out, Ctx& ctx);
std::optional<Node> encode_deploy(const std::optional<Deploy>& v);

void decode_blkio(const Node& n, const std::string& path, std::optional<BlkioConfig>& out, Ctx& ctx);
std::optional<Node> encode_blkio(const std::optional<BlkioConfig>& v);

void decode_build(const Node& n, const std::string& path, std::optional<BuildConfig>& out, Ctx& ctx);
std::optional<Node> encode_build(const std::optional<BuildConfig>& v);

// Runs `fn(item, item_path)` over a sequence (null: nothing; anything else: an error).
template <class Fn>
void for_each_item(const Node& n, const std::string& path, Fn fn) {
  if (n.is_null()) return;
  if (!n.is_sequence()) throw error_at(n, path, "must be a list, not a " + std::string(n.kind_name()));
  for (size_t i = 0; i < n.items.size(); ++i) fn(n.items[i], path_index(path, i));
}

// Calls a syntax parser on a scalar and turns its message-only error into one with a location.
template <class Fn>
auto parse_scalar(const Node& n, const std::string& path, Fn parse) {
  const std::string text = scalar_text(n, path);
  try {
    return parse(text);
  } catch (const Error& e) {
    throw error_at(n, path, e.what());
  }
}

}  // namespace stack::compose::codec
