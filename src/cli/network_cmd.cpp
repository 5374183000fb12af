// `stack network ls|inspect|create|rm|prune|connect|disconnect`: net::Networks as docker's
// network commands show it.
#include <memory>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/container_engine.hpp"
#include "cli/container_flags.hpp"
#include "cli/container_network_view.hpp"
#include "cli/container_format.hpp"
#include "cli/interaction.hpp"
#include "cli/list_filter.hpp"
#include "cli/network_engine.hpp"
#include "net/ipv6.hpp"
#include "net/network_records.hpp"

namespace stack::cli {
namespace {

// "key=value" words (--label, --opt, --filter label=...); a bare key has an empty value.
std::map<std::string, std::string> word_map(const std::vector<std::string>& words) {
  std::map<std::string, std::string> out;
  for (const std::string& w : words) {
    const size_t eq = w.find('=');
    out[w.substr(0, eq)] = eq == std::string::npos ? "" : w.substr(eq + 1);
  }
  return out;
}

nlohmann::json inspect_fields(const GlobalOptions& g, const net::NetworkInfo& n) {
  nlohmann::json config = nlohmann::json::array({{{"Subnet", n.subnet}, {"Gateway", n.gateway}}});
  if (!n.ip_range.empty()) config[0]["IPRange"] = n.ip_range;
  if (n.enable_ipv6) {
    config.push_back({{"Subnet", n.subnet6}, {"Gateway", n.gateway6}});
    if (!n.ip_range6.empty()) config[1]["IPRange"] = n.ip_range6;
  }
  nlohmann::json containers = nlohmann::json::object();
  const engine::Roots roots = engine::resolve_roots(g.root, g.run_root);
  for (const net::SandboxRecord& r : net::load_sandboxes({roots.root + "/networks", roots.run_root}))
    for (const net::Endpoint& e : r.sandbox.endpoints)
      if (e.network_id == n.id)
        containers[r.sandbox.container_id] = {{"Name", r.container_name},
                                              {"EndpointID", endpoint_id(r.sandbox.container_id, n.id)},
                                              {"MacAddress", e.mac},
                                              {"IPv4Address", e.ipv4 + "/" + std::to_string(e.prefix_length)},
                                              {"IPv6Address", e.ipv6.empty() ? "" : e.ipv6 + "/" + std::to_string(e.prefix_length6)}};
  nlohmann::json options = n.options;
  options["com.docker.network.bridge.name"] = n.bridge;
  options["com.docker.network.driver.mtu"] = std::to_string(n.mtu);
  return {{"Name", n.name},
          {"Id", n.id},
          {"Created", n.created},
          {"Scope", "local"},
          {"Driver", n.driver},
          {"EnableIPv6", n.enable_ipv6},
          {"IPAM", {{"Driver", "default"}, {"Options", nlohmann::json::object()}, {"Config", config}}},
          {"Internal", n.internal},
          {"Attachable", n.attachable},
          {"Ingress", false},
          {"ConfigFrom", {{"Network", ""}}},
          {"ConfigOnly", false},
          {"Containers", containers},
          {"Options", options},
          {"Labels", n.labels}};
}

void add_ls(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto quiet = std::make_shared<bool>(false);
  auto no_trunc = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>();
  auto filters = std::make_shared<std::vector<std::string>>();
  auto* cmd = family.add_subcommand("ls", "List networks");
  cmd->alias("list");
  cmd->add_flag("-q,--quiet", *quiet, "Only display network IDs");
  cmd->add_flag("--no-trunc", *no_trunc, "Do not truncate the output");
  cmd->add_option("--format", *format, "Format output: table, json, or a template such as '{{.Name}}'");
  add_list_option(*cmd, "-f,--filter", *filters, "Provide filter values (e.g. \"driver=bridge\")");
  cmd->callback([&g, &exit_code, quiet, no_trunc, format, filters] {
    const ListFilter filter(*filters, {"name", "label", "driver", "id"});
    std::vector<std::vector<std::string>> rows = {{"NETWORK ID", "NAME", "DRIVER", "SCOPE"}};
    for (const net::NetworkInfo& n : networks_from(g, nullptr).list()) {
      const bool shown = filter.any("name", [&](const std::string& x) { return n.name.find(x) != std::string::npos; }) &&
                         filter.any("driver", [&](const std::string& x) { return n.driver == x; }) &&
                         filter.any("id", [&](const std::string& x) { return n.id.starts_with(x); }) &&
                         filter.labels_match(n.labels);
      if (!shown) continue;
      const std::string id = *no_trunc ? n.id : n.id.substr(0, 12);
      const nlohmann::json fields = {{"ID", id}, {"Name", n.name}, {"Driver", n.driver}, {"Scope", "local"},
                                     {"Internal", n.internal ? "true" : "false"}, {"CreatedAt", n.created}};
      if (*quiet) fmt::print("{}\n", id);
      else if (*format == "json") fmt::print("{}\n", fields.dump());
      else if (!format->empty() && *format != "table") fmt::print("{}\n", render_template(*format, fields));
      else rows.push_back({id, n.name, n.driver, "local"});
    }
    if (!*quiet && (format->empty() || *format == "table")) print_table(rows);
    exit_code = 0;
  });
}

void add_inspect(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>();
  auto* cmd = family.add_subcommand("inspect", "Display detailed information on one or more networks");
  cmd->add_option("networks", *names, "Networks")->required()->type_name("NETWORK");
  cmd->add_option("-f,--format", *format, "Format output using a template such as '{{.IPAM.Config}}'");
  cmd->callback([&g, &exit_code, names, format] {
    const net::Networks networks = networks_from(g, nullptr);
    exit_code = print_inspected(*names, *format, [&](const std::string& name) {
      const auto n = networks.find(name);
      if (!n) throw Error("No such network: " + name);
      return inspect_fields(g, *n);
    });
  });
}

struct CreateCli {
  std::string name, driver = "bridge";
  std::vector<std::string> subnets, gateways, ranges, labels, opts;
  bool internal = false, attachable = false, ipv6 = false;
};

// docker's pairing: each --gateway and --ip-range goes with the --subnet of its family
// (Networks takes at most one pool per family).
std::vector<net::IpamPool> pools_of(const CreateCli& o) {
  std::vector<net::IpamPool> pools;
  for (const std::string& subnet : o.subnets) pools.push_back({subnet, "", ""});
  auto pair = [&pools](const std::vector<std::string>& values, std::string net::IpamPool::*field) {
    for (const std::string& v : values) {
      auto it = std::find_if(pools.begin(), pools.end(), [&](const net::IpamPool& p) {
        return net::looks_ipv6(p.subnet) == net::looks_ipv6(v) && (p.*field).empty();
      });
      if (it == pools.end()) throw Error("every ip-range or gateway must have a corresponding subnet (" + v + ")");
      (*it).*field = v;
    }
  };
  pair(o.gateways, &net::IpamPool::gateway);
  pair(o.ranges, &net::IpamPool::ip_range);
  return pools;
}

void add_create(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<CreateCli>();
  auto* cmd = family.add_subcommand("create", "Create a network");
  cmd->add_option("name", o->name, "Network name")->required()->type_name("NETWORK");
  cmd->add_option("-d,--driver", o->driver, "Driver to manage the Network (only \"bridge\")");
  add_list_option(*cmd, "--subnet", o->subnets, "Subnet in CIDR format that represents a network segment");
  add_list_option(*cmd, "--gateway", o->gateways, "IPv4 or IPv6 Gateway for the master subnet");
  add_list_option(*cmd, "--ip-range", o->ranges, "Allocate container ip from a sub-range");
  cmd->add_flag("--internal", o->internal, "Restrict external access to the network");
  cmd->add_flag("--attachable", o->attachable, "Enable manual container attachment");
  cmd->add_flag("--ipv6", o->ipv6, "Enable or disable IPv6 networking");
  add_list_option(*cmd, "--label", o->labels, "Set metadata on a network");
  add_list_option(*cmd, "-o,--opt", o->opts, "Set driver specific options");
  cmd->callback([&g, &exit_code, o] {
    const net::NetworkSpec spec{.name = o->name, .driver = o->driver, .internal = o->internal, .attachable = o->attachable,
                                .enable_ipv6 = o->ipv6, .ipam = pools_of(*o), .labels = word_map(o->labels),
                                .options = word_map(o->opts)};
    const std::unique_ptr<net::Firewall> firewall = open_firewall(g);
    fmt::print("{}\n", networks_from(g, firewall.get()).create(spec).id);
    exit_code = 0;
  });
}

void add_rm(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  auto* cmd = family.add_subcommand("rm", "Remove one or more networks");
  cmd->alias("remove");
  cmd->add_option("networks", *names, "Networks")->required()->type_name("NETWORK");
  cmd->add_flag("-f,--force", *force, "Do not error if the network does not exist");
  cmd->callback([&g, &exit_code, names, force] {
    const std::unique_ptr<net::Firewall> firewall = open_firewall(g);
    net::Networks networks = networks_from(g, firewall.get());
    exit_code = for_each_target(*names, [&](const std::string& name) {
      if (*force && !networks.find(name)) return;
      networks.remove(name);
      fmt::print("{}\n", name);
    });
  });
}

void add_prune(CLI::App& family, const GlobalOptions& g, int& exit_code) {
  auto force = std::make_shared<bool>(false);
  auto filters = std::make_shared<std::vector<std::string>>();
  auto* cmd = family.add_subcommand("prune", "Remove all unused networks");
  cmd->add_flag("-f,--force", *force, "Do not prompt for confirmation");
  add_list_option(*cmd, "--filter", *filters, "Provide filter values (e.g. \"label=<key>=<value>\")");
  cmd->callback([&g, &exit_code, force, filters] {
    exit_code = 0;
    std::vector<std::string> labels;
    for (const std::string& f : *filters) {
      if (!f.starts_with("label=")) throw Error("invalid filter '" + f + "'", "stack network prune takes label=KEY[=VALUE]");
      labels.push_back(f.substr(6));
    }
    if (!*force && !confirmed("WARNING! This will remove all custom networks not used by at least one container.\n"
                              "Are you sure you want to continue?"))
      return;
    const std::unique_ptr<net::Firewall> firewall = open_firewall(g);
    const std::vector<std::string> removed = networks_from(g, firewall.get()).prune(word_map(labels));
    if (removed.empty()) return;
    fmt::print("Deleted Networks:\n");
    for (const std::string& name : removed) fmt::print("{}\n", name);
  });
}

struct ConnectCli {
  std::string network, container, ip, ip6;
  std::vector<std::string> aliases;
  bool force = false;
};

// The container's names as stack-dns answers them.
net::SandboxRequest names_of(const GlobalOptions& g, const std::string& id) {
  engine::Containers containers = containers_from(g);
  net::SandboxRequest r;
  r.container_id = id;
  r.container_name = containers.view(id).config.name;
  r.hostname = containers.spec(id).hostname;
  r.state_file = containers.layout().container_dir(id) + "/state.json";
  return r;
}

void add_connect(CLI::App& family, const GlobalOptions& g, int& exit_code, bool connect) {
  auto o = std::make_shared<ConnectCli>();
  auto* cmd = family.add_subcommand(connect ? "connect" : "disconnect",
                                    connect ? "Connect a container to a network" : "Disconnect a container from a network");
  cmd->add_option("network", o->network, "Network")->required()->type_name("NETWORK");
  cmd->add_option("container", o->container, "Container")->required()->type_name("CONTAINER");
  if (connect) {
    add_list_option(*cmd, "--alias", o->aliases, "Add network-scoped alias for the container");
    cmd->add_option("--ip", o->ip, "IPv4 address (e.g., 172.30.100.104)");
    cmd->add_option("--ip6", o->ip6, "IPv6 address (e.g., 2001:db8::33)");
  } else {
    cmd->add_flag("-f,--force", o->force, "Force the container to disconnect from a network");
  }
  cmd->callback([&g, &exit_code, o, connect] {
    const std::string id = containers_from(g).resolve(o->container);
    net::Networks networks = networks_from(g, nullptr);
    if (connect) networks.connect(id, {.network = o->network, .aliases = o->aliases, .ipv4_address = o->ip, .ipv6_address = o->ip6}, names_of(g, id));
    else networks.disconnect(id, o->network);
    exit_code = 0;
  });
}

}  // namespace

void add_network_command(CLI::App& app, const GlobalOptions& global, int& exit_code) {
  auto* family = app.add_subcommand("network", "Manage networks");
  family->require_subcommand(1);
  add_ls(*family, global, exit_code);
  add_inspect(*family, global, exit_code);
  add_create(*family, global, exit_code);
  add_rm(*family, global, exit_code);
  add_prune(*family, global, exit_code);
  add_connect(*family, global, exit_code, true);
  add_connect(*family, global, exit_code, false);
}

}  // namespace stack::cli
