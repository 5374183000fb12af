// Pass: the merged Node tree <-> the typed model.
//
// decode_project reads every key of the Compose Specification (short and long syntaxes),
// rejects unknown keys with their location, and keeps x-* keys. It does not normalize
// (see normalize.hpp). encode_project gives the tree `stack config` prints; decoding
// that tree again yields an equal Project (the round trip).
#pragma once

#include "compose/environment.hpp"
#include "compose/model.hpp"

namespace stack::compose {

// `root` is the whole merged file. `include` must already have been resolved (ignored here).
Project decode_project(const Node& root, Warnings* warnings);
Service decode_service(const Node& node, const std::string& name, Warnings* warnings);

Node encode_project(const Project& project);
Node encode_service(const Service& service);

}  // namespace stack::compose
