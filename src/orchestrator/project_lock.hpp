// One project's lock: <run_root>/projects/<name>.lock, held exclusively by every command
// that changes the project, so that two `up`s (or an `up` and a `down`) of one project
// serialize; different projects have different locks and never wait on each other. The
// kernel drops it when the command dies.
#pragma once

#include <string>

#include "base/file_lock.hpp"
#include "engine/layout.hpp"

namespace stack::orchestrator {

base::FileLock lock_project(const engine::Layout& layout, const std::string& project);

}  // namespace stack::orchestrator
