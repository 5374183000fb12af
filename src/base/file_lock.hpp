// FileLock: an flock(2) on a lock file, held for the object's life. The kernel drops it
// when the process dies, so a killed command never leaves a lock behind.
#pragma once

#include <string>

#include "base/unique_fd.hpp"

namespace stack::base {

class FileLock {
 public:
  enum class Mode { Shared, Exclusive };
  // Creates `path` if needed and waits for the lock. Throws stack::Error naming the path.
  FileLock(const std::string& path, Mode mode);
  FileLock(FileLock&&) = default;
  FileLock& operator=(FileLock&&) = default;

 private:
  UniqueFd fd_;
};

}  // namespace stack::base
