// The init layer: a read-only layer every container's root has between its own layer and
// its image's, holding empty /etc/hosts, /etc/hostname and /etc/resolv.conf (docker's
// "-init" layer, made once and shared instead of once per container).
//
// Those three are mounted over in every container. Most images lack them (a build never
// keeps them), so the runtime would create them as mount points: overlay then copies /etc up
// into the container's layer and makes three files there, half a dozen inodes on the
// state root's filesystem per container start and again per removal; and a build step would
// capture them in its layer.
#pragma once

#include <string>

namespace stack::engine {

class Layout;

// The init layer's directory, made when missing (in a temporary directory renamed into
// place, so that a reader sees it whole or not at all, and two makers do not collide).
std::string ensure_init_layer(const Layout& layout);

}  // namespace stack::engine
