// The orchestrator's seam to networks (src/net): everything it needs from them, so that
// planning and applying are tested with a fake (testing/fake_network_driver.hpp) and the
// CLI can run before the real networks are wired in (loopback_network_driver.hpp). The
// implementation over net::Networks and the firewall plugs in here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/container_network.hpp"
#include "net/firewall.hpp"
#include "net/networks.hpp"

namespace stack::orchestrator {

class NetworkDriver {
 public:
  virtual ~NetworkDriver() = default;
  // The network, made when missing (an existing one of that name is kept as it is).
  virtual void ensure_network(const net::NetworkSpec& spec) = 0;
  // True when a network of that name exists (external networks must).
  virtual bool has_network(const std::string& name) = 0;
  // Removes the network; a missing one is nothing to do.
  virtual void remove_network(const std::string& name) = 0;
  // Deletes the network's bridge ahead of remove_network, when no container but those in
  // `leaving` is on it (net::Networks::drop_bridge); nothing otherwise.
  virtual void drop_bridge(const std::string& name, const std::vector<std::string>& leaving) = 0;
  // The names of the networks whose labels include `labels`.
  virtual std::vector<std::string> networks_with(const std::map<std::string, std::string>& labels) = 0;
  // mode "none", "host" or "bridge" (the request's attachments): the container's
  // network for the engine (see net::prepare_container_network).
  virtual net::ContainerNetwork prepare(const std::string& mode, const net::SandboxRequest& request,
                                        const net::EtcOptions& etc, const std::string& files_dir) = 0;
  // The container's sandbox and published ports go; best effort, idempotent.
  virtual void release(const std::string& container_id) = 0;
  // Publishes the container's ports at its addresses on `bridge` (all or nothing).
  virtual void publish(const std::string& container_id, const net::ContainerAddresses& ip, const std::string& bridge,
                       const std::vector<net::PortSpec>& ports) = 0;
  // "0.0.0.0:8080->80/tcp" for each port the container published (for ps and port).
  virtual std::vector<net::PublishedPort> published(const std::string& container_id) = 0;
};

}  // namespace stack::orchestrator
