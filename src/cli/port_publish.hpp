// docker run's -p/--publish and -P/--publish-all, and the calls `container run|create`
// and `container rm` make to the firewall. The run command adds the flags, then, once
// the container's network sandbox exists, turns them into specs (publish_specs) and
// publishes them (publish_ports); rm unpublishes (unpublish_ports).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/global_options.hpp"
#include "net/firewall.hpp"

namespace stack::cli {

struct PublishFlags {
  std::vector<std::string> publish;  // -p values, as given
  bool publish_all = false;          // -P
};

// Adds -p/--publish (repeatable) and -P/--publish-all to `cmd`; a malformed -p value is
// a stack::Error from the parse, quoting it.
void add_publish_flags(CLI::App& cmd, PublishFlags& flags);

// The ports to publish: each -p, then (with -P) every port the image exposes
// ("80/tcp") that no -p publishes already, on a random host port.
std::vector<net::PortSpec> publish_specs(const PublishFlags& flags, const std::vector<std::string>& exposed_ports);

// Publishes `specs` for the container (nothing, and no nftables, when empty): all or
// nothing, a port in use is a stack::Error naming it. Prints what the firewall changed
// on the host ("net.ipv4.ip_forward set to 1") on stderr.
std::vector<net::PublishedPort> publish_ports(const GlobalOptions& global, const std::string& container_id,
                                              const net::ContainerAddresses& container, const std::string& bridge,
                                              const std::vector<net::PortSpec>& specs);

// Removes the container's published ports; nothing when it has none.
void unpublish_ports(const GlobalOptions& global, const std::string& container_id);

// What the container publishes (from the records, without nftables).
std::vector<net::PublishedPort> published_ports(const GlobalOptions& global, const std::string& container_id);

// `stack container port` (container_port_cmd.cpp); registered by container_cmd.cpp.
void add_container_port_command(CLI::App& family, const GlobalOptions& global, int& exit_code);

}  // namespace stack::cli
