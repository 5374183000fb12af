// The records stack-dns answers from: written by `stack` (network attach and detach),
// read by the server. This header is the contract between the two.
//
//   <run_root>/dns/networks/<network>/network.json
//       {"name": "proj_default", "gateway": "10.89.3.1", "subnet": "10.89.3.0/24", "internal": false}
//   <run_root>/dns/networks/<network>/<container-id>.json
//       {"container": "<64 hex id>", "names": ["web", "proj-web-1", "<hostname>", "<alias>"],
//        "ipv4": "10.89.3.2", "ipv6": "", "state": "<root>/containers/<id>/state.json"}
//
// - Every file is replaced atomically (temporary file + rename): the server sees the old
//   or the new document, never a partial one.
// - A name may appear in several containers' files (the replicas of a service): the
//   server answers every address. Names are case-insensitive (stored lower-cased).
// - names[0] is also what a PTR query for the container's address answers.
// - A container's entry is answered only while its state file says "running" or
//   "paused" (the shim rewrites it on every transition; missing = gone), so a stopped
//   container drops out of the answers without anyone touching its entry.
// - A network directory without network.json is ignored (remove_network deletes that
//   file first). The server exits once no network record remains, so publish a network
//   before calling ensure_dns_running (launcher.hpp).
#pragma once

#include <string>
#include <vector>

namespace stack::net::dns {

struct NetworkEntry {
  std::string name;
  std::string gateway;  // IPv4 address the server listens on
  std::string subnet;   // IPv4 CIDR; clients outside it are refused
  bool internal = false;
  bool operator==(const NetworkEntry&) const = default;
};

struct ContainerEntry {
  std::string container;           // the container id (also the file name)
  std::vector<std::string> names;  // service, container name, hostname, aliases
  std::string ipv4;
  std::string ipv6;   // empty when the network has no IPv6
  std::string state;  // path of the container's state.json
  bool operator==(const ContainerEntry&) const = default;
};

struct NetworkRecords {
  NetworkEntry network;
  std::vector<ContainerEntry> containers;
};

// <run_root>/dns and <run_root>/dns/networks.
std::string dns_dir(const std::string& run_root);
std::string networks_dir(const std::string& run_root);

// The writer side. Each validates its input (names usable as DNS names, addresses that
// parse, safe file names) and throws stack::Error naming the network or container.
void publish_network(const std::string& run_root, const NetworkEntry& network);
// Removes the network's record and every container entry under it; nothing if absent.
void remove_network(const std::string& run_root, const std::string& network);
void publish_container(const std::string& run_root, const std::string& network, const ContainerEntry& container);
// Nothing if absent.
void remove_container(const std::string& run_root, const std::string& network, const std::string& container_id);

// The reader side: every network that has a network.json, with its container entries.
// A malformed file is skipped and described in `problems` (the server logs them), so
// that one bad entry never hides the others.
std::vector<NetworkRecords> load_records(const std::string& run_root, std::vector<std::string>& problems);

// JSON forms (exposed for tests). The parsers throw stack::Error naming `origin`.
std::string network_to_json(const NetworkEntry& network);
std::string container_to_json(const ContainerEntry& container);
NetworkEntry network_from_json(const std::string& text, const std::string& origin);
ContainerEntry container_from_json(const std::string& text, const std::string& origin);

// Whether the state file at `path` says "running" or "paused" (missing or unreadable: no).
bool container_is_live(const std::string& state_path);

}  // namespace stack::net::dns
