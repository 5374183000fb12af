#include "orchestrator/project_lock.hpp"

#include <filesystem>

#include "base/error.hpp"

namespace stack::orchestrator {

base::FileLock lock_project(const engine::Layout& layout, const std::string& project) {
  const std::string dir = layout.roots().run_root + "/projects";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("create " + dir + ": " + ec.message());
  return base::FileLock(dir + "/" + project + ".lock", base::FileLock::Mode::Exclusive);
}

}  // namespace stack::orchestrator
