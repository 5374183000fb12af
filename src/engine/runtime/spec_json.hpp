// The spec as JSON: <container dir>/spec.json, written by stack and read by stack-shim.
#pragma once

#include <string>

#include "engine/runtime/spec.hpp"

namespace stack::engine::runtime {

std::string spec_to_json(const Spec& spec);
// Throws stack::Error naming `origin` (a path, for messages) on malformed JSON.
Spec spec_from_json(const std::string& text, const std::string& origin);

}  // namespace stack::engine::runtime
