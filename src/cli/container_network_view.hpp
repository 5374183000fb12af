// The NetworkSettings of `container inspect`, as docker shows them: one entry per network
// the container joined (its addresses of both families, gateway, MAC, aliases), the
// first network's addresses again at the top (docker's legacy fields), and the ports
// it publishes.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <vector>

#include "net/firewall.hpp"
#include "net/networks.hpp"

namespace stack::cli {

// `sandbox`: nullopt for a container without a namespace of its own (network none, host,
// or another container's).
nlohmann::json network_settings(const std::optional<net::Sandbox>& sandbox, const std::vector<net::PublishedPort>& ports);

}  // namespace stack::cli
