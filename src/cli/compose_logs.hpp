// The logs of several containers at once, as compose prints them: each line prefixed
// with the container's short name ("web-1  | "), padded to the longest, colored per
// container on a terminal. Shared by `stack logs` and the attached `stack up`.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "engine/containers.hpp"
#include "engine/log_reader.hpp"
#include "orchestrator/observe.hpp"

namespace stack::cli {

struct LogStyle {
  bool color = false;
  bool prefix = true;
  bool timestamps = false;
  bool announce_exit = false;  // "web-1 exited with code 0" once a followed container's log ended
};

// Reads (and with options.follow, follows) every container's log, one thread each;
// returns when all are read. `stop` ends following early.
void stream_logs(engine::Containers& containers, const std::string& project,
                 const std::vector<orchestrator::ObservedContainer>& cs, engine::LogReadOptions options,
                 const LogStyle& style, const std::atomic<bool>& stop);

}  // namespace stack::cli
