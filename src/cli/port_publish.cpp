#include "cli/port_publish.hpp"

#include <fmt/format.h>

#include "cli/container_flags.hpp"
#include "cli/network_engine.hpp"
#include "engine/layout.hpp"
#include "net/firewall_port_spec.hpp"

namespace stack::cli {

void add_publish_flags(CLI::App& cmd, PublishFlags& flags) {
  add_list_option(cmd, "-p,--publish", flags.publish, "Publish a container's port(s) to the host")
      ->check([](const std::string& value) {
        net::parse_port_spec(value);  // throws stack::Error quoting the value
        return std::string();
      });
  cmd.add_flag("-P,--publish-all", flags.publish_all, "Publish all exposed ports to random ports");
}

std::vector<net::PortSpec> publish_specs(const PublishFlags& flags, const std::vector<std::string>& exposed_ports) {
  std::vector<net::PortSpec> specs;
  for (const auto& value : flags.publish) specs.push_back(net::parse_port_spec(value));
  return flags.publish_all ? net::with_exposed_ports(std::move(specs), exposed_ports) : specs;
}

std::vector<net::PublishedPort> publish_ports(const GlobalOptions& global, const std::string& container_id,
                                              const net::ContainerAddresses& container, const std::string& bridge,
                                              const std::vector<net::PortSpec>& specs) {
  if (specs.empty()) return {};
  return open_firewall(global)->publish(container_id, container, bridge, specs);
}

void unpublish_ports(const GlobalOptions& global, const std::string& container_id) {
  open_firewall(global)->unpublish(container_id);
}

std::vector<net::PublishedPort> published_ports(const GlobalOptions& global, const std::string& container_id) {
  return open_firewall(global)->published(container_id);
}

}  // namespace stack::cli
