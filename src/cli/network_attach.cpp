#include "cli/network_attach.hpp"

#include <filesystem>

#include <fmt/core.h>

#include "base/error.hpp"
#include "base/random_id.hpp"
#include "cli/container_engine.hpp"
#include "cli/network_engine.hpp"
#include "net/container_network.hpp"

namespace stack::cli {

namespace fs = std::filesystem;

namespace {

// container:NAME shares that container's namespace and its /etc files.
void join_container(const GlobalOptions& g, engine::CreateRequest& r, const std::string& ref) {
  engine::Containers containers = containers_from(g);
  const std::string other = containers.resolve(ref);
  std::string path;
  for (const auto& ns : containers.spec(other).namespaces)
    if (ns.type == "network") path = ns.path;
  if (path.empty())
    throw Error("cannot join the network of container " + ref + ": it has no network namespace of its own to share");
  r.network = path;
  const std::string dir = containers.layout().container_dir(other);
  for (const char* file : {"hosts", "resolv.conf", "hostname"})
    if (fs::exists(dir + "/" + file)) r.volumes.push_back(dir + "/" + file + ":/etc/" + file);
}

net::EtcOptions etc_options(const engine::CreateRequest& r, const NetworkFlags& f) {
  net::EtcOptions etc;
  etc.hostname = r.hostname;
  etc.domainname = r.domainname;
  etc.extra_hosts = f.add_hosts;
  etc.dns = f.dns;
  etc.dns_search = f.dns_search;
  etc.dns_opt = f.dns_options;
  return etc;
}

// -p/-P once the sandbox has its address: on the first network's bridge. As docker, a
// host network discards them with a warning, and none publishes nothing.
void publish(const GlobalOptions& g, net::Networks& networks, const std::string& mode, const net::Sandbox& sandbox,
             const NetworkFlags& f) {
  const std::vector<net::PortSpec> specs = publish_specs(f.publish, f.exposed_ports);
  if (specs.empty() || mode == "none") return;
  if (sandbox.endpoints.empty()) {
    if (!f.publish.publish.empty()) fmt::print(stderr, "WARNING: Published ports are discarded when using host network mode\n");
    return;
  }
  const net::Endpoint& e = sandbox.endpoints.front();
  const std::optional<net::NetworkInfo> network = networks.find(e.network_id);
  if (!network) throw Error("network " + e.network + " not found");
  publish_ports(g, sandbox.container_id, {e.ipv4, e.ipv6}, network->bridge, specs);
}

// The name the container will have: stack-dns answers it, so a generated one is chosen
// here (as the engine would choose it), skipping names taken.
std::string container_name(const engine::Layout& layout, const engine::CreateRequest& r) {
  if (!r.name.empty()) return r.name;
  unsigned seed = static_cast<unsigned char>(r.id[0]) * 977u + static_cast<unsigned char>(r.id[1]);
  std::string name;
  std::error_code ec;
  do name = engine::generate_container_name(seed++);
  while (fs::symlink_status(layout.name_path(name), ec).type() != fs::file_type::not_found);
  return name;
}

}  // namespace

void attach_network(const GlobalOptions& g, engine::CreateRequest& r, const NetworkFlags& f) {
  const std::string mode = r.network.empty() ? "bridge" : r.network;
  if (mode.starts_with("/")) return;
  if (mode.starts_with("container:")) return join_container(g, r, mode.substr(10));
  const bool own = mode != "none" && mode != "host";
  if (!own && (!f.ip.empty() || !f.ip6.empty() || !f.aliases.empty()))
    throw Error("--ip, --ip6 and --network-alias need a user-defined network or the default bridge, not --network " + mode);
  r.id = base::random_hex_id();
  const engine::Layout layout = containers_from(g).layout();
  net::SandboxRequest sandbox;
  sandbox.container_id = r.id;
  if (own) r.name = container_name(layout, r);
  sandbox.container_name = r.name;
  sandbox.hostname = r.hostname.empty() ? r.id.substr(0, 12) : r.hostname;
  sandbox.state_file = layout.container_dir(r.id) + "/state.json";
  // The firewall only where a bridge may be made or ports published.
  const std::unique_ptr<net::Firewall> firewall = own ? open_firewall(g) : nullptr;
  net::Networks networks = networks_from(g, firewall.get());
  if (own) {
    // The default network is made on demand by the sandbox (and goes with its last one).
    if (mode != net::kDefaultNetwork && !networks.find(mode)) throw Error("network " + mode + " not found");
    sandbox.networks.push_back({.network = mode, .aliases = f.aliases, .ipv4_address = f.ip, .ipv6_address = f.ip6, .mac_address = f.mac});
  }
  try {
    const net::ContainerNetwork n =
        net::prepare_container_network(networks, own ? "bridge" : mode, sandbox, etc_options(r, f), layout.container_dir(r.id));
    r.network = n.network;
    r.volumes.insert(r.volumes.end(), n.binds.begin(), n.binds.end());
    publish(g, networks, mode, n.sandbox, f);
  } catch (const Error&) {
    release_network(g, r.id);
    throw;
  }
}

void release_network(const GlobalOptions& g, const std::string& container_id) {
  if (container_id.empty()) return;
  try {
    unpublish_ports(g, container_id);
  } catch (const Error&) {
  }
  try {
    networks_from(g, nullptr).remove_sandbox(container_id);
  } catch (const Error&) {
  }
  const std::string dir = containers_from(g).layout().container_dir(container_id);
  std::error_code ec;
  if (!fs::exists(dir + "/config.json", ec)) fs::remove_all(dir, ec);
}

}  // namespace stack::cli
