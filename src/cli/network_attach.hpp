// `container run|create --network ...`: the container's network made before the container
// (its namespace and /etc files under the id the request is given), and undone when the
// container is not made or is removed.
#pragma once

#include <string>
#include <vector>

#include "cli/global_options.hpp"
#include "cli/port_publish.hpp"
#include "engine/container_create.hpp"

namespace stack::cli {

// The network flags beyond --network (which is CreateRequest::network).
struct NetworkFlags {
  std::string ip;
  std::string ip6;
  std::string mac;
  std::vector<std::string> aliases;
  std::vector<std::string> add_hosts;
  std::vector<std::string> dns;
  std::vector<std::string> dns_search;
  std::vector<std::string> dns_options;
  PublishFlags publish;                     // -p, -P (published once the sandbox exists)
  std::vector<std::string> exposed_ports;  // the image's, for -P
};

// request.network: "bridge" (docker's default network, made on first use), a network name,
// "none", "host", "container:NAME" (its namespace and /etc files), or a namespace path
// (taken as is). Sets request.id, request.network and appends the /etc binds to
// request.volumes. Throws stack::Error; nothing is left then.
void attach_network(const GlobalOptions& global, engine::CreateRequest& request, const NetworkFlags& flags);

// Undoes attach_network for a container that was not made, or that is gone: its published
// ports, its sandbox,
// and its directory while it holds no container record. Best effort, silent.
void release_network(const GlobalOptions& global, const std::string& container_id);

}  // namespace stack::cli
