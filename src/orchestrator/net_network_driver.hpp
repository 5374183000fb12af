// The orchestrator's networks for real: bridges, sandboxes and stack-dns through
// net::Networks, published ports through the nftables firewall.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "orchestrator/network_driver.hpp"

namespace stack::orchestrator {

// `notice` receives what the firewall changed on the host beyond its own table.
std::unique_ptr<NetworkDriver> make_net_network_driver(const std::string& root, const std::string& run_root,
                                                       std::function<void(const std::string&)> notice);

}  // namespace stack::orchestrator
