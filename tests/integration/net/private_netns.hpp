// Runs a test body in a thread of its own network namespace: bridges and host-side veths
// live and die there, so a failing test cannot disturb the host's network. Threads and
// processes the body starts inherit that namespace. Exceptions come back to the caller.
#pragma once

#include <sched.h>

#include <exception>
#include <functional>
#include <stdexcept>
#include <thread>

namespace stack::testing {

inline void in_private_netns(const std::function<void()>& body) {
  std::exception_ptr failure;
  std::thread([&] {
    try {
      if (::unshare(CLONE_NEWNET) != 0) throw std::runtime_error("unshare(CLONE_NEWNET) failed");
      body();
    } catch (...) {
      failure = std::current_exception();
    }
  }).join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace stack::testing
