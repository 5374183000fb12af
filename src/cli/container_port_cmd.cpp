// `stack container port CONTAINER [PRIVATE_PORT[/PROTO]]`, as `docker port`: every
// published port as "80/tcp -> 0.0.0.0:32768", or the host side of one container port.
// Read from the firewall's records: no nftables involved.
#include <fmt/format.h>

#include <memory>

#include "cli/container_engine.hpp"
#include "cli/port_publish.hpp"
#include "net/firewall_port_spec.hpp"

namespace stack::cli {
namespace {

struct PortCli {
  std::string ref;
  std::string port;  // "80" or "80/udp"; "" = all
};

void print_ports(const GlobalOptions& g, const PortCli& o) {
  engine::Containers containers = containers_from(g);
  const std::string id = containers.resolve(o.ref);
  const auto ports = published_ports(g, id);
  if (o.port.empty()) {
    for (const auto& p : ports) fmt::print("{}\n", net::format_published(p));
    return;
  }
  const net::PortSpec wanted = net::exposed_port_spec(o.port);
  bool found = false;
  for (const auto& p : ports)
    if (p.container_port == wanted.container_port && p.protocol == wanted.protocol) {
      for (const std::string& at : net::published_at(p)) fmt::print("{}\n", at);
      found = true;
    }
  if (!found)
    throw Error(fmt::format("No public port '{}/{}' published for {}", wanted.container_port, wanted.protocol, o.ref));
}

}  // namespace

void add_container_port_command(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<PortCli>();
  auto* cmd = family.add_subcommand("port", "List port mappings or a specific mapping for the container");
  cmd->add_option("container", o->ref, "Container")->required();
  cmd->add_option("port", o->port, "PRIVATE_PORT[/PROTO]");
  cmd->callback([&g, &exit_code, o] {
    print_ports(g, *o);
    exit_code = 0;
  });
}

}  // namespace stack::cli
