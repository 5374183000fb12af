// The records of networks and sandboxes on disk, and where they live:
//
//   <root>/networks/lock                    flock: every change to networks and sandboxes
//   <root>/networks/<id>/network.json       a NetworkInfo
//   <root>/networks/sandboxes/<cid>.json    a SandboxRecord: the container's namespace and
//                                           endpoints (its IPAM allocations)
//   <run_root>/netns/<cid>                  the namespace's bind mount
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "base/file_lock.hpp"
#include "net/networks.hpp"

namespace stack::net {

struct SandboxRecord {
  Sandbox sandbox;
  std::string container_name;
  std::string hostname;
  std::string state_file;  // its directory gone = the container is gone: the sandbox is swept
};

struct NetworkPaths {
  std::string root;      // <root>/networks
  std::string run_root;  // the run root

  std::string lock() const { return root + "/lock"; }
  std::string network_dir(const std::string& id) const { return root + "/" + id; }
  std::string network_file(const std::string& id) const { return network_dir(id) + "/network.json"; }
  std::string sandboxes_dir() const { return root + "/sandboxes"; }
  std::string sandbox_file(const std::string& container_id) const { return sandboxes_dir() + "/" + container_id + ".json"; }
  std::string netns_dir() const { return run_root + "/netns"; }
  std::string netns_path(const std::string& container_id) const { return netns_dir() + "/" + container_id; }
};

std::string network_to_json(const NetworkInfo& network);
NetworkInfo network_from_json(const std::string& text, const std::string& origin);
std::string sandbox_to_json(const SandboxRecord& record);
SandboxRecord sandbox_from_json(const std::string& text, const std::string& origin);

// The lock of every change (waits for it).
base::FileLock lock_networks(const NetworkPaths& paths);

// Every readable record (a malformed one is skipped: one bad file never hides the rest).
std::vector<NetworkInfo> load_networks(const NetworkPaths& paths);
std::vector<SandboxRecord> load_sandboxes(const NetworkPaths& paths);

// Best-effort teardown: every step is attempted, the failures are kept, joined by "; ".
struct Failures {
  std::string text;
  // Runs the step; whether it succeeded (its failure is kept).
  template <typename Step>
  bool attempt(const Step& step) {
    try {
      step();
      return true;
    } catch (const std::exception& e) {
      add(e.what());
      return false;
    }
  }
  void add(const std::string& failure) { text += (text.empty() ? "" : "; ") + failure; }
};

// The host-side veth of a container's endpoint: "stv" + 7 hex of the container id + 5 of
// the network id (15 characters, the kernel's limit).
std::string host_veth_name(const std::string& container_id, const std::string& network_id);

}  // namespace stack::net
