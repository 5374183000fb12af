// Memory for a child that runs in its parent's address space until it execs (cloned
// with CLONE_VM | CLONE_VFORK by start_container), mapped and unmapped by the parent:
// the child's stack, and scratch room for its exec image. Whatever the child still
// holds on the shared heap at execve would stay allocated in the parent for good, so
// its argv and envp are packed into the scratch room, and the heap objects they came
// from are freed, before execve. Internal to the runtime.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace stack::engine::runtime {

struct ExecScratch {
  char* data = nullptr;
  size_t size = 0;
};

// The arguments of execve, pointing into an ExecScratch.
struct ExecImage {
  const char* path = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
};

// Copies path, args and env into `scratch`: the strings and the two null-ended pointer
// arrays. Throws stack::Error (exec: "ARGS[0]": argument list too long) when they do
// not fit; the scratch of a ChildMemory holds more than the kernel takes.
ExecImage pack_exec_image(const std::string& path, const std::vector<std::string>& args,
                          const std::vector<std::string>& env, ExecScratch scratch);

class ChildMemory {
 public:
  ChildMemory();  // throws SyscallError; address space only, pages come on first touch
  ~ChildMemory();
  ChildMemory(const ChildMemory&) = delete;
  ChildMemory& operator=(const ChildMemory&) = delete;

  // The initial stack pointer for clone(): the stack grows down to a guard page.
  void* stack_top() const;
  ExecScratch scratch() const;

 private:
  char* base_ = nullptr;
};

}  // namespace stack::engine::runtime
