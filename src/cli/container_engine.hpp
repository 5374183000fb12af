// What every `stack container` command starts from: the engine's containers under the
// roots the global options (or STACK_ROOT / STACK_RUN_ROOT) name.
#pragma once

#include "cli/global_options.hpp"
#include "engine/containers.hpp"

namespace stack::cli {

inline engine::Containers containers_from(const GlobalOptions& global) {
  return engine::Containers(engine::Layout(engine::resolve_roots(global.root, global.run_root)));
}

}  // namespace stack::cli
