#include "cli/container_network_view.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace stack::cli {
namespace {

// docker's endpoint fields; "" and 0 where a family is absent.
nlohmann::json endpoint_fields(const std::string& container_id, const net::Endpoint& e) {
  return {{"Aliases", e.aliases},
          {"NetworkID", e.network_id},
          {"EndpointID", endpoint_id(container_id, e.network_id)},
          {"Gateway", e.gateway},
          {"IPAddress", e.ipv4},
          {"IPPrefixLen", e.prefix_length},
          {"IPv6Gateway", e.gateway6},
          {"GlobalIPv6Address", e.ipv6},
          {"GlobalIPv6PrefixLen", e.prefix_length6},
          {"MacAddress", e.mac}};
}

// "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", ...}].
nlohmann::json port_map(const std::vector<net::PublishedPort>& ports) {
  nlohmann::json out = nlohmann::json::object();
  for (const net::PublishedPort& p : ports) {
    nlohmann::json& bindings = out[std::to_string(p.container_port) + "/" + p.protocol];
    bindings.push_back({{"HostIp", p.host_ip.empty() ? "0.0.0.0" : p.host_ip}, {"HostPort", std::to_string(p.host_port)}});
    if (!p.container_ip6.empty()) bindings.push_back({{"HostIp", "::"}, {"HostPort", std::to_string(p.host_port)}});
  }
  return out;
}

}  // namespace

std::string endpoint_id(const std::string& container_id, const std::string& network_id) {
  return container_id.substr(0, 32) + network_id.substr(0, 32);
}

nlohmann::json network_settings(const std::optional<net::Sandbox>& sandbox, const std::vector<net::PublishedPort>& ports) {
  nlohmann::json networks = nlohmann::json::object();
  net::Endpoint first;
  if (sandbox) {
    for (const net::Endpoint& e : sandbox->endpoints) networks[e.network] = endpoint_fields(sandbox->container_id, e);
    if (!sandbox->endpoints.empty()) first = sandbox->endpoints.front();
  }
  return {{"SandboxKey", sandbox ? sandbox->netns_path : ""},
          {"Ports", port_map(ports)},
          {"Gateway", first.gateway},
          {"IPAddress", first.ipv4},
          {"IPPrefixLen", first.prefix_length},
          {"IPv6Gateway", first.gateway6},
          {"GlobalIPv6Address", first.ipv6},
          {"GlobalIPv6PrefixLen", first.prefix_length6},
          {"MacAddress", first.mac},
          {"Networks", networks}};
}

}  // namespace stack::cli
