// A compose project from YAML text, through the whole loader (normalized as `up` sees it).
#pragma once

#include <string>

#include "compose/loader.hpp"

namespace stack::orchestrator::testing {

inline compose::Project project_from(const std::string& yaml, const std::string& name = "proj") {
  compose::LoadOptions o;
  o.files = {"-"};
  o.project_name = name;
  o.working_dir = "/srv/app";
  o.project_directory = "/srv/app";
  o.home = "/root";
  o.read_stdin = [yaml] { return yaml; };
  return compose::load_project(o).project;
}

}  // namespace stack::orchestrator::testing
