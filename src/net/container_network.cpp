// prepare_container_network: the sandbox (bridge mode) and the /etc files, for `stack
// container run|create` and the orchestrator alike.
#include "net/container_network.hpp"

#include <unistd.h>

#include <filesystem>

#include "base/error.hpp"
#include "base/files.hpp"
#include "net/dns/launcher.hpp"
#include "net/dns/upstream.hpp"
#include "net/etc_files.hpp"

namespace stack::net {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::vector<std::string> host_nameservers() {
  std::vector<std::string> out;
  for (const dns::Upstream& u : dns::host_upstreams("")) out.push_back(u.text);
  return out;
}

std::vector<std::pair<std::string, std::string>> extra_hosts(const EtcOptions& etc, const std::string& host_gateway) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& entry : etc.extra_hosts) out.push_back(parse_extra_host(entry, host_gateway));
  return out;
}

// Writes the three files and returns their bind specs.
std::vector<std::string> write_etc_files(const std::string& dir, const std::string& hosts, const std::string& resolv,
                                         const std::string& hostname) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"hosts", hosts}, {"resolv.conf", resolv}, {"hostname", hostname + "\n"}};
  std::vector<std::string> binds;
  for (const auto& [name, content] : files) {
    base::write_file_atomic(dir + "/" + name, content, 0644, base::Durability::Replace);
    binds.push_back(dir + "/" + name + ":/etc/" + name);
  }
  return binds;
}

std::vector<std::string> with_ndots(const std::vector<std::string>& options) {
  std::vector<std::string> out{"ndots:0"};
  for (const std::string& o : options)
    if (!o.starts_with("ndots:")) out.push_back(o);
    else out[0] = o;
  return out;
}

}  // namespace

ContainerNetwork prepare_container_network(Networks& networks, const std::string& mode, const SandboxRequest& request,
                                           const EtcOptions& etc, const std::string& files_dir) {
  if (mode != "none" && mode != "host" && mode != "bridge")
    throw Error("network mode \"" + mode + "\": expected none, host or bridge");
  fs::create_directories(files_dir);
  ContainerNetwork out;
  out.network = mode;
  if (mode != "bridge") {
    const bool host = mode == "host";
    HostsContent hosts{extra_hosts(etc, host ? "127.0.0.1" : ""), {}, "", ""};
    std::string hosts_text = host ? base::read_file_if_exists("/etc/hosts").value_or(render_hosts({})) : render_hosts({});
    for (const auto& [ip, name] : hosts.extra) hosts_text += ip + "\t" + name + "\n";
    const std::string hostname = !etc.hostname.empty() ? etc.hostname : host ? host_name() : request.container_id.substr(0, 12);
    const std::vector<std::string> servers = etc.dns.empty() ? host_nameservers() : etc.dns;
    out.binds = write_etc_files(files_dir, hosts_text, render_resolv_conf(servers, etc.dns_search, etc.dns_opt), hostname);
    return out;
  }
  if (request.networks.empty()) throw Error("network mode bridge needs at least one network");
  out.sandbox = networks.create_sandbox(request);
  try {
    const Endpoint& first = out.sandbox.endpoints.front();
    HostsContent hosts{extra_hosts(etc, first.gateway), {}, etc.hostname.empty() ? request.container_id.substr(0, 12) : etc.hostname,
                       etc.domainname};
    for (const Endpoint& e : out.sandbox.endpoints) hosts.own_addresses.push_back(e.ipv4);
    for (const Endpoint& e : out.sandbox.endpoints)
      if (!e.ipv6.empty()) hosts.own_addresses.push_back(e.ipv6);
    const std::vector<std::string> servers = etc.dns.empty() ? std::vector<std::string>{first.gateway} : etc.dns;
    out.binds = write_etc_files(files_dir, render_hosts(hosts), render_resolv_conf(servers, etc.dns_search, with_ndots(etc.dns_opt)),
                                hosts.hostname);
    dns::ensure_dns_running(networks.run_root(), dns::dns_binary());
  } catch (const std::exception& e) {
    try {
      networks.remove_sandbox(request.container_id);
    } catch (const Error&) {
    }
    throw Error(std::string("network of container ") + request.container_name + ": " + e.what());
  }
  out.network = out.sandbox.netns_path;
  return out;
}

}  // namespace stack::net
