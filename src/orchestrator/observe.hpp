// What exists of a project on the host, found by label (DESIGN section 7): there is no
// project database, the containers' own labels say which project, service and replica
// each one is and which configuration made it.
#pragma once

#include <string>
#include <vector>

#include "engine/containers.hpp"

namespace stack::orchestrator {

struct ObservedContainer {
  std::string id;
  std::string name;
  std::string service;
  int number = 0;
  std::string config_hash;
  std::string image_id;
  engine::Status status = engine::Status::Created;
  bool oneoff = false;
};

// The containers among `all` labelled with `project`, by service then number.
std::vector<ObservedContainer> observe_containers(const std::vector<engine::ContainerView>& all,
                                                  const std::string& project);

// The projects that have containers: name -> the views of its containers.
std::map<std::string, std::vector<engine::ContainerView>> projects_of(const std::vector<engine::ContainerView>& all);

bool is_running(engine::Status s);

}  // namespace stack::orchestrator
