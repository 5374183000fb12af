// Waiting on containers the way depends_on conditions and `up --wait` need: healthy,
// exited with code 0, running. Polls the state records (there is no daemon to notify us).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/containers.hpp"

namespace stack::orchestrator {

// Until the container is healthy. Throws stack::Error naming the container when it is
// unhealthy (with its last health output), has no healthcheck, or stopped.
void wait_healthy(engine::Containers& containers, const std::string& id);
// Until it exited; throws naming the service and the exit code unless it is 0.
void wait_completed(engine::Containers& containers, const std::string& id, const std::string& service);
// --wait: until running (and healthy when it has a healthcheck); a deadline of nullopt waits for ever.
void wait_running(engine::Containers& containers, const std::string& id,
                  std::optional<std::chrono::steady_clock::time_point> deadline);

}  // namespace stack::orchestrator
