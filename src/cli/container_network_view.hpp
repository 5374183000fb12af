// The NetworkSettings of `container inspect`, as docker shows them: one entry per network
// the container joined (its addresses of both families, gateway, MAC, aliases), the
// first network's addresses again at the top (docker's legacy fields), and the ports
// it publishes.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "net/firewall.hpp"
#include "net/networks.hpp"

namespace stack::cli {

// docker's EndpointID of a container on a network (network inspect shows it too).
std::string endpoint_id(const std::string& container_id, const std::string& network_id);

// `sandbox`: nullopt for a container without a namespace of its own (network none, host,
// or another container's).
nlohmann::json network_settings(const std::optional<net::Sandbox>& sandbox, const std::vector<net::PublishedPort>& ports);

}  // namespace stack::cli
