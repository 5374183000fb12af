// What a container's network becomes for the engine: the namespace to join and the
// /etc files to bind over the image's. One call shared by `stack container run|create`
// and the orchestrator, so both give containers the same network.
#pragma once

#include <string>
#include <vector>

#include "net/networks.hpp"

namespace stack::net {

struct EtcOptions {
  std::string hostname;    // "" = the container id's first 12 characters
  std::string domainname;
  std::vector<std::string> extra_hosts;  // "name:ip" or "name=ip"; ip "host-gateway" = the first network's gateway
  std::vector<std::string> dns;          // nameservers; empty = stack-dns at the gateway (bridge) or the host's (host)
  std::vector<std::string> dns_search;
  std::vector<std::string> dns_opt;
};

struct ContainerNetwork {
  std::string network;             // for engine::CreateRequest::network: "none", "host" or a netns path
  std::vector<std::string> binds;  // "/host/file:/etc/hosts" etc., appended to CreateRequest::volumes
  Sandbox sandbox;                 // empty for none/host
};

// mode: "none", "host", or "bridge" (join the request's attachments, at least one).
// Writes the /etc files under `files_dir` (a directory of the container's own). With
// "bridge" it makes the sandbox (Networks::create_sandbox) and makes sure stack-dns
// runs; on a failure nothing is left behind.
ContainerNetwork prepare_container_network(Networks& networks, const std::string& mode,
                                           const SandboxRequest& request, const EtcOptions& etc,
                                           const std::string& files_dir);

}  // namespace stack::net
