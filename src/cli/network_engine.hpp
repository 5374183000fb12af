// What every `stack network` command (and run/create with a network) starts from: the
// networks under the state roots, and the firewall that Networks tells of bridges.
#pragma once

#include <memory>

#include <fmt/core.h>

#include "cli/global_options.hpp"
#include "engine/layout.hpp"
#include "net/firewall.hpp"
#include "net/networks.hpp"

namespace stack::cli {

// The one place the CLI obtains the firewall (null while none is available); what it
// changes on the host beyond its own table is said on stderr.
inline std::unique_ptr<net::Firewall> open_firewall(const GlobalOptions& global) {
  const engine::Roots roots = engine::resolve_roots(global.root, global.run_root);
  return net::make_firewall(roots.run_root, [](const std::string& notice) { fmt::print(stderr, "{}\n", notice); });
}

// `firewall` may be null for commands that change no bridge.
inline net::Networks networks_from(const GlobalOptions& global, net::Firewall* firewall) {
  const engine::Roots roots = engine::resolve_roots(global.root, global.run_root);
  return net::Networks(roots.root, roots.run_root, firewall);
}

}  // namespace stack::cli
