// Random identifiers in docker's shape: 64 lowercase hex digits (32 bytes from getrandom).
// Containers and anonymous volumes are named with them.
#pragma once

#include <string>

namespace stack::base {

std::string random_hex_id();

}  // namespace stack::base
