// The commands that act on a project's existing containers: down, start, stop, restart,
// kill, pause, unpause, rm. Dependents stop before what they need, and start after it;
// containers of one dependency level are handled in parallel.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compose/model.hpp"
#include "orchestrator/context.hpp"
#include "orchestrator/observe.hpp"

namespace stack::orchestrator {

// The project's containers (one-off ones too when `oneoff`), of the named services only
// when `services` is not empty. Throws "no such service: x" for a name not in the file.
std::vector<ObservedContainer> project_containers(Context& ctx, const compose::Project& project,
                                                  const std::vector<std::string>& services, bool oneoff = false);

// compose's warning about containers of services no longer in the file.
std::string orphans_warning(const std::vector<std::string>& names);

struct DownRequest {
  bool volumes = false;         // -v: named and anonymous volumes too
  bool remove_orphans = false;  // containers of services no longer in the file
  std::optional<int> timeout_s;
};
void down(Context& ctx, const compose::Project& project, const DownRequest& request);

enum class Operation { Start, Stop, Restart, Kill, Pause, Unpause };
struct OperationRequest {
  std::vector<std::string> services;
  std::optional<int> timeout_s;  // stop, restart
  std::string signal = "SIGKILL";  // kill
};
// The named services plus those that depend on one of them with `restart: true`,
// transitively (what `restart SERVICE` restarts). Empty stays empty (all services).
std::vector<std::string> with_restart_dependents(const compose::Project& project, std::vector<std::string> services);

// Restart takes the restart dependents along (with_restart_dependents).
// Throws naming the container that failed (the others are still handled).
void operate(Context& ctx, const compose::Project& project, Operation op, const OperationRequest& request);

// rm: stopped containers (running ones too with `stop`, stopped first); returns the
// anonymous volumes they had, for -v.
std::vector<std::string> remove_stopped(Context& ctx, const compose::Project& project,
                                        const std::vector<std::string>& services, bool stop,
                                        std::optional<int> timeout_s);

// The containers' names that `rm` would remove (for its confirmation prompt).
std::vector<std::string> removable(Context& ctx, const compose::Project& project, const std::vector<std::string>& services,
                                   bool stop);

// Calls fn for every item at once, each in its own thread; rethrows the first failure after all ended.
void for_each_parallel(const std::vector<ObservedContainer>& items, const std::function<void(const ObservedContainer&)>& fn);

}  // namespace stack::orchestrator
