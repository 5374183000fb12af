// Waiting for a change in a directory (inotify), for readers that follow files others
// append to, rotate and create (container logs, the event journal). The reader then looks
// at the files to find what changed, so merged or missed notifications cost nothing, and
// the wait's timeout is the backstop (a directory that does not exist yet is not watched:
// the wait only times out).
#pragma once

#include <string>

#include "base/unique_fd.hpp"

namespace stack::base {

class DirWatch {
 public:
  // Watches `dir` for writes, creations, renames and deletions from now on. Throws
  // stack::Error when no inotify instance can be had.
  explicit DirWatch(const std::string& dir);

  // Returns after a change or `timeout_ms`, whichever comes first, the notifications read.
  void wait(int timeout_ms) const;

 private:
  UniqueFd fd_;
};

}  // namespace stack::base
