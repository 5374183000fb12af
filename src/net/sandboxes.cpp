// Networks: the sandbox half (a container's namespace and its endpoints). A sandbox's
// record is its IPAM allocation: an address is taken while a record names it, and a
// record whose container's state directory is gone (removed by a shim's --rm, or a
// command killed midway) is swept, with its namespace, by the next change.
#include <algorithm>
#include <filesystem>
#include <optional>

#include "base/error.hpp"
#include "base/file_lock.hpp"
#include "base/files.hpp"
#include "net/dns/records.hpp"
#include "net/ipam.hpp"
#include "net/netlink.hpp"
#include "net/network_records.hpp"
#include "net/networks.hpp"

namespace stack::net {

namespace fs = std::filesystem;

namespace {

bool dns_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }) &&
         name.front() != '.' && name.back() != '.' && name.find("..") == std::string::npos;
}

// The addresses taken on a network, of one family (`v6`).
std::set<std::string> addresses_on(const std::vector<SandboxRecord>& sandboxes, const std::string& network_id, bool v6) {
  std::set<std::string> used;
  for (const SandboxRecord& r : sandboxes)
    for (const Endpoint& e : r.sandbox.endpoints)
      if (e.network_id == network_id && !(v6 ? e.ipv6 : e.ipv4).empty()) used.insert(v6 ? e.ipv6 : e.ipv4);
  return used;
}

std::string next_interface(const Sandbox& sandbox) {
  for (int i = 0;; ++i) {
    const std::string name = "eth" + std::to_string(i);
    if (std::none_of(sandbox.endpoints.begin(), sandbox.endpoints.end(), [&](const Endpoint& e) { return e.interface == name; }))
      return name;
  }
}

std::string who(const SandboxRequest& request) {
  return "container " + (request.container_name.empty() ? request.container_id : request.container_name);
}

bool gone(const SandboxRecord& r) { return !r.state_file.empty() && !fs::exists(fs::path(r.state_file).parent_path()); }

// The ids that have a record file, read or not: one directory read, not a stat per
// namespace (an unreadable record still keeps its namespace). Nothing when the directory
// cannot be read (out of file descriptors...): then no namespace counts as unnamed.
std::optional<std::set<std::string>> recorded_ids(const NetworkPaths& paths) {
  std::set<std::string> ids;
  std::error_code ec;
  fs::directory_iterator it(paths.sandboxes_dir(), ec);
  if (ec) return ec == std::errc::no_such_file_or_directory ? std::optional(ids) : std::nullopt;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return std::nullopt;
    if (it->path().extension() == ".json") ids.insert(it->path().stem().string());
  }
  if (ec) return std::nullopt;
  return ids;
}

}  // namespace

void Networks::publish_names(const SandboxRecord& r, const Endpoint& e) {
  dns::ContainerEntry entry;
  entry.container = r.sandbox.container_id;
  std::vector<std::string> names{r.container_name};
  names.insert(names.end(), e.aliases.begin(), e.aliases.end());
  names.push_back(r.hostname);
  for (const std::string& n : names)
    if (dns_name(n) && std::find(entry.names.begin(), entry.names.end(), n) == entry.names.end()) entry.names.push_back(n);
  entry.ipv4 = e.ipv4;
  entry.ipv6 = e.ipv6;
  entry.state = r.state_file;
  dns::publish_container(run_root_, e.network, entry);
}

VethRequest Networks::plan_endpoint(SandboxRecord& r, const std::vector<SandboxRecord>& sandboxes, const NetworkInfo& n,
                                   const Attachment& a, Routes routes) {
  bring_up(n, false);  // the host lost it (a reboot), or its creator was killed midway
  Endpoint e;
  e.network = n.name;
  e.network_id = n.id;
  e.interface = next_interface(r.sandbox);
  e.ipv4 = allocate_address(n, addresses_on(sandboxes, n.id, false), a.ipv4_address);
  e.prefix_length = parse_cidr(n.subnet).value_or(Cidr{}).prefix;
  e.gateway = n.gateway;
  e.mac = a.mac_address.empty() ? mac_for_address(e.ipv4) : a.mac_address;
  e.aliases = a.aliases;
  if (n.enable_ipv6) {
    e.ipv6 = allocate_address6(n, addresses_on(sandboxes, n.id, true), a.ipv6_address);
    e.prefix_length6 = parse_cidr6(n.subnet6).value_or(Cidr6{}).prefix;
    e.gateway6 = n.gateway6;
  } else if (!a.ipv6_address.empty()) {
    throw Error("network " + n.name + " has no IPv6: cannot give " + a.ipv6_address, "set enable_ipv6: true on the network");
  }
  r.sandbox.endpoints.push_back(e);
  return {host_veth_name(r.sandbox.container_id, n.id), n.bridge, r.sandbox.netns_path, e.interface,
          e.ipv4 + "/" + std::to_string(e.prefix_length), e.mac, routes.v4 ? n.gateway : "", n.mtu,
          e.ipv6.empty() ? "" : e.ipv6 + "/" + std::to_string(e.prefix_length6), routes.v6 ? n.gateway6 : ""};
}

std::string Networks::teardown_locked(const SandboxRecord& r) {
  Failures failures;
  for (const Endpoint& e : r.sandbox.endpoints)
    failures.attempt([&] { dns::remove_container(run_root_, e.network, r.sandbox.container_id); });
  // Releasing the namespace is enough: once its last user is gone the kernel destroys it
  // with its veths, in the background. Deleting each veth here instead costs 10-30 ms of
  // RCU waiting apiece, most of a `down`. Only when the namespace cannot be released are
  // the veths deleted by hand, so that none stays on the bridge.
  const bool released = failures.attempt([&] { netlink().delete_netns(r.sandbox.netns_path); });
  if (!released)
    for (const Endpoint& e : r.sandbox.endpoints)
      failures.attempt([&] { netlink().delete_link(host_veth_name(r.sandbox.container_id, e.network_id)); });
  std::error_code ec;
  fs::remove(paths().sandbox_file(r.sandbox.container_id), ec);
  if (ec) failures.add("remove " + paths().sandbox_file(r.sandbox.container_id) + ": " + ec.message());
  return failures.text;
}

std::vector<SandboxRecord> Networks::sweep_locked() {
  std::vector<SandboxRecord> live;
  for (SandboxRecord& r : load_sandboxes(paths())) {
    if (gone(r) && teardown_locked(r).empty()) continue;
    live.push_back(std::move(r));  // a record that could not go still holds its addresses
  }
  // A namespace no record names is one whose record went without it (its unmount failed)
  // or one made by an older stack, which wrote the record after the namespace: this one
  // writes it first (create_sandbox), so none in the making is taken for an orphan.
  const std::optional<std::set<std::string>> recorded = recorded_ids(paths());
  if (!recorded) return live;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(paths().netns_dir(), ec)) {
    const std::string id = entry.path().filename().string();
    if (recorded->count(id)) continue;
    SandboxRecord orphan;
    orphan.sandbox.container_id = id;
    orphan.sandbox.netns_path = entry.path().string();
    teardown_locked(orphan);
  }
  return live;
}

SandboxRecord Networks::reserve_sandbox(const SandboxRequest& request, std::vector<VethRequest>& veths) {
  const base::FileLock lock = lock_networks(paths());
  const std::vector<SandboxRecord> sandboxes = sweep_locked();
  const std::string& id = request.container_id;
  if (id.size() < 12 || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error(who(request) + ": invalid container id \"" + id + "\" for a network sandbox");
  if (fs::exists(paths().sandbox_file(id))) throw Error(who(request) + " already has a network sandbox");
  std::vector<Attachment> wanted = request.networks;
  std::stable_sort(wanted.begin(), wanted.end(), [](const Attachment& a, const Attachment& b) { return a.priority > b.priority; });
  std::vector<NetworkInfo> nets;
  for (const Attachment& a : wanted) {
    std::optional<NetworkInfo> n = find(a.network);
    if (!n && a.network == kDefaultNetwork) n = create_locked({.name = kDefaultNetwork});  // made on demand
    if (!n) throw Error("network " + a.network + " not found");
    if (std::any_of(nets.begin(), nets.end(), [&](const NetworkInfo& x) { return x.id == n->id; }))
      throw Error(who(request) + ": network " + n->name + " is named twice");
    nets.push_back(*n);
  }
  SandboxRecord r;
  r.sandbox.container_id = id;
  r.sandbox.netns_path = paths().netns_path(id);
  r.container_name = request.container_name;
  r.hostname = request.hostname;
  r.state_file = request.state_file;
  try {
    netlink();  // made on first use: here, under the lock, not by two threads at once after it
    Routes routed;  // the default routes: through the first network with a way out (of each family)
    for (size_t i = 0; i < nets.size(); ++i) {
      const Routes route{!routed.v4 && !nets[i].internal, !routed.v6 && !nets[i].internal && nets[i].enable_ipv6};
      veths.push_back(plan_endpoint(r, sandboxes, nets[i], wanted[i], route));
      routed = {routed.v4 || route.v4, routed.v6 || route.v6};
    }
    fs::create_directories(paths().netns_dir());
    fs::create_directories(paths().sandboxes_dir());
    if (!r.state_file.empty()) fs::create_directories(fs::path(r.state_file).parent_path());  // else the sweep takes it
    base::write_file_atomic(paths().sandbox_file(id), sandbox_to_json(r), 0644, base::Durability::Replace);
  } catch (const std::exception& e) {
    drop_idle_default_locked(sandboxes);
    throw Error(who(request) + ": network setup failed: " + e.what());
  }
  return r;
}

// Decide, then do: the addresses are chosen and the record written under the networks
// lock, and the namespace and its veths are made after it is released, so that the
// sandboxes of an up's containers are made side by side instead of one after another
// behind the lock (its holder, preempted by the shims already starting, held the others
// back 6-11 ms per container). The record naming a namespace still in the making keeps
// that namespace from the sweep of another command; a `stack` killed in between leaves a
// record whose namespace is partial or missing, which teardown takes as it is (with the
// container it belongs to, or by the sweep once that container's directory is gone).
Sandbox Networks::create_sandbox(const SandboxRequest& request) {
  std::vector<VethRequest> veths;
  const SandboxRecord r = reserve_sandbox(request, veths);
  try {
    netlink().create_netns(r.sandbox.netns_path);
    for (const VethRequest& v : veths) netlink().add_veth(v);
    for (const Endpoint& e : r.sandbox.endpoints) publish_names(r, e);
  } catch (const std::exception& e) {
    const base::FileLock lock = lock_networks(paths());
    teardown_locked(r);
    drop_idle_default_locked();
    throw Error(who(request) + ": network setup failed: " + e.what());
  }
  return r.sandbox;
}

std::optional<Sandbox> Networks::sandbox(const std::string& container_id) const {
  const std::string path = paths().sandbox_file(container_id);
  const std::optional<std::string> text = base::read_file_if_exists(path);
  if (!text) return std::nullopt;
  return sandbox_from_json(*text, path).sandbox;
}

Endpoint Networks::connect(const std::string& container_id, const Attachment& attachment, const SandboxRequest& names) {
  const base::FileLock lock = lock_networks(paths());
  const std::vector<SandboxRecord> sandboxes = sweep_locked();
  const std::string path = paths().sandbox_file(container_id);
  const std::optional<std::string> text = base::read_file_if_exists(path);
  if (!text) throw Error("container " + container_id + " has no network namespace of its own (its network is none, host or another container's)");
  SandboxRecord r = sandbox_from_json(*text, path);
  if (!names.container_name.empty()) r.container_name = names.container_name;
  if (!names.hostname.empty()) r.hostname = names.hostname;
  if (!names.state_file.empty()) r.state_file = names.state_file;
  const std::optional<NetworkInfo> n = find(attachment.network);
  if (!n) throw Error("network " + attachment.network + " not found");
  for (const Endpoint& e : r.sandbox.endpoints)
    if (e.network_id == n->id) throw Error("endpoint with name " + r.container_name + " already exists in network " + n->name);
  // A default route when no other endpoint has one out (of each family).
  auto routed = [&](bool v6) {
    return std::any_of(r.sandbox.endpoints.begin(), r.sandbox.endpoints.end(), [&](const Endpoint& e) {
      const std::optional<NetworkInfo> other = find(e.network_id);
      return other && !other->internal && (!v6 || other->enable_ipv6);
    });
  };
  const Routes route{!n->internal && !routed(false), !n->internal && n->enable_ipv6 && !routed(true)};
  const VethRequest veth = plan_endpoint(r, sandboxes, *n, attachment, route);
  netlink().add_veth(veth);
  const Endpoint e = r.sandbox.endpoints.back();
  try {
    base::write_file_atomic(path, sandbox_to_json(r), 0644, base::Durability::Replace);
    publish_names(r, e);
  } catch (const std::exception& ex) {
    netlink().delete_link(host_veth_name(container_id, n->id));
    throw Error("connect container " + r.container_name + " to network " + n->name + ": " + ex.what());
  }
  return e;
}

void Networks::disconnect(const std::string& container_id, const std::string& network) {
  const base::FileLock lock = lock_networks(paths());
  sweep_locked();
  const std::string path = paths().sandbox_file(container_id);
  const std::optional<std::string> text = base::read_file_if_exists(path);
  const std::optional<NetworkInfo> n = find(network);
  if (!n) throw Error("network " + network + " not found");
  std::optional<SandboxRecord> r;
  if (text) r = sandbox_from_json(*text, path);
  auto it = r ? std::find_if(r->sandbox.endpoints.begin(), r->sandbox.endpoints.end(), [&](const Endpoint& e) { return e.network_id == n->id; })
              : std::vector<Endpoint>::iterator{};
  if (!r || it == r->sandbox.endpoints.end())
    throw Error("container " + container_id + " is not connected to network " + n->name);
  dns::remove_container(run_root_, n->name, container_id);
  netlink().delete_link(host_veth_name(container_id, n->id));
  r->sandbox.endpoints.erase(it);
  base::write_file_atomic(path, sandbox_to_json(*r), 0644, base::Durability::Replace);
  drop_idle_default_locked();
}

void Networks::remove_sandbox(const std::string& container_id) {
  const base::FileLock lock = lock_networks(paths());
  const std::string path = paths().sandbox_file(container_id);
  std::string failure;
  SandboxRecord r;
  r.sandbox.container_id = container_id;
  r.sandbox.netns_path = paths().netns_path(container_id);
  try {
    if (const std::optional<std::string> text = base::read_file_if_exists(path)) r = sandbox_from_json(*text, path);
  } catch (const Error& e) {
    failure = e.what();  // the namespace still goes
  }
  const std::string rest = teardown_locked(r);
  if (!rest.empty()) failure += (failure.empty() ? "" : "; ") + rest;
  drop_idle_default_locked(sweep_locked());
  if (!failure.empty()) throw Error("remove the network of container " + container_id + ": " + failure);
}

}  // namespace stack::net
