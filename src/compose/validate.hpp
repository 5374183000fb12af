// Pass: cross-reference checks on the decoded project. Types and syntaxes were checked
// by the decoder; here: every reference names something defined (services, networks,
// volumes, secrets, configs), an image or a build per service, container_name with one
// replica, network_mode and networks not both, names that the engine can use, and
// dependency cycles. Errors point at the file, line and key of the offending reference,
// looked up in `tree` (the merged tree the project was decoded from).
#pragma once

#include "compose/model.hpp"

namespace stack::compose {

void validate_project(const Project& project, const Node& tree);

}  // namespace stack::compose
