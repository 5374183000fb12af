// The one way a failed system call is reported: "<operation and object>: <strerror>".
// The errno is kept so that a caller can choose a fallback (e.g. EPERM -> bind /sys).
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "base/error.hpp"

namespace stack {

class SyscallError : public Error {
 public:
  SyscallError(const std::string& what, int code) : Error(what + ": " + std::strerror(code)), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// An error for `err` (default: the current errno), e.g.
// syscall_error("mkdir /data") -> "mkdir /data: Read-only file system".
inline SyscallError syscall_error(const std::string& what, int err = errno) { return SyscallError(what, err); }

}  // namespace stack
