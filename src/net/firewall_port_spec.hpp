// Port specs beyond docker's -p syntax (parse_port_spec is in firewall.hpp): an image's
// exposed port as `-P` publishes it, and a published port as `docker port` prints it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/firewall.hpp"

namespace stack::net {

// An image's ExposedPorts key ("80/tcp", "53/udp", "8000-8010/tcp") as `-P` publishes
// it: every address, random host ports. Throws stack::Error quoting the key.
PortSpec exposed_port_spec(std::string_view exposed);

// `-P`: `given` (the -p specs), then every port of `exposed` (the image's "80/tcp"
// keys) that no given spec publishes already, each on a random host port.
std::vector<PortSpec> with_exposed_ports(std::vector<PortSpec> given, const std::vector<std::string>& exposed);

// "80/tcp -> 0.0.0.0:32768", the line of `docker port` (two lines when IPv6 leads there too).
std::string format_published(const PublishedPort& port);
// The host sockets a published port is reached at, as docker prints them: "0.0.0.0:8080"
// (or its host address), then "[::]:8080" when the host's IPv6 addresses lead there too.
std::vector<std::string> published_at(const PublishedPort& port);

}  // namespace stack::net
