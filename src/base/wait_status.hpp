// What a waitpid() status means to a user: the exit code, or 128 + the signal that
// ended the process (as shells and docker report it).
#pragma once

#include <sys/wait.h>

namespace stack::base {

inline int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;  // stopped or continued: not reported without WUNTRACED/WCONTINUED
}

}  // namespace stack::base
