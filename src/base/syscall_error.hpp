// stack::Error for a failed system call: "<operation>: <strerror(errno)>".
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "base/error.hpp"

namespace stack {

inline Error syscall_error(const std::string& operation, int err = errno) {
  return Error(operation + ": " + std::strerror(err));
}

}  // namespace stack
