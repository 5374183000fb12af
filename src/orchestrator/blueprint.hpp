// A compose service's container, decided before anything is made: the engine request
// (without what the image and the volume store add later), the volumes to resolve, the
// network to join and the ports to publish. Pure: the same project gives the same
// blueprint, so it is unit-tested on its own (DESIGN: the orchestrator is the only place
// that turns a service into a container spec, attachments and mounts).
#pragma once

#include <string>
#include <vector>

#include "compose/model.hpp"
#include "engine/container_create.hpp"
#include "net/container_network.hpp"
#include "net/firewall.hpp"

namespace stack::orchestrator {

// One entry of `volumes:` that needs the volume store (host binds and tmpfs go straight
// into the request).
struct VolumeNeed {
  enum class Kind { Named, Anonymous };
  Kind kind = Kind::Named;
  std::string name;    // engine name (Named)
  std::string target;  // path in the container
  std::string options;  // "ro", "ro,nocopy", ... (the -v options)
};

struct Blueprint {
  engine::CreateRequest request;  // name, labels, command, env, resources, binds, tmpfs ...
  bool entrypoint_given = false;  // the service sets entrypoint: the image's is dropped
  std::vector<VolumeNeed> volumes;
  std::vector<std::string> volumes_from;  // "service:x[:ro]" or "container:x[:ro]"
  // "bridge" (attachments), "none", "host", "service:x", "container:x".
  std::string network_mode = "bridge";
  std::vector<net::Attachment> attachments;  // highest priority first
  net::EtcOptions etc;
  std::vector<net::PortSpec> ports;
  std::vector<std::string> create_host_paths;  // bind sources to make when missing
};

// "project-service-N", or container_name.
std::string container_name(const compose::Project& project, const compose::Service& service, int number);

// Throws stack::Error naming the service and the key for what cannot be translated.
Blueprint make_blueprint(const compose::Project& project, const compose::Service& service, int number);

// compose `ports:` entries as the firewall takes them.
net::PortSpec port_spec(const compose::ServicePort& port);

}  // namespace stack::orchestrator
