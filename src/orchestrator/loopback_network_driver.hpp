// A NetworkDriver without networks: every container gets a loopback-only namespace
// ("none"), or the host's with network_mode host; declared networks are remembered as
// made but no bridge exists, and ports are not published (a warning says so once). What
// the CLI uses until the net module's Networks and Firewall are wired in.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "orchestrator/network_driver.hpp"

namespace stack::orchestrator {

// `warn` receives the one warning about ports.
std::unique_ptr<NetworkDriver> make_loopback_network_driver(std::function<void(const std::string&)> warn);

}  // namespace stack::orchestrator
