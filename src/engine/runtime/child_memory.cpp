#include "engine/runtime/child_memory.hpp"

#include <sys/mman.h>

#include <cstring>

#include "base/error.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::runtime {
namespace {

// The guard page, then the stack, then the scratch room. The child's code between
// clone and exec (rootfs, users, capabilities, with exceptions on failure) needs far
// less stack than 2 MiB; the kernel takes at most 6 MiB of arguments and environment.
constexpr size_t kGuard = 4096;
constexpr size_t kStack = size_t{2} << 20;
constexpr size_t kScratch = size_t{8} << 20;
constexpr size_t kTotal = kGuard + kStack + kScratch;

}  // namespace

ExecImage pack_exec_image(const std::string& path, const std::vector<std::string>& args,
                          const std::vector<std::string>& env, ExecScratch scratch) {
  size_t strings = path.size() + 1;
  for (const auto* list : {&args, &env})
    for (const std::string& s : *list) strings += s.size() + 1;
  const size_t pointers = (args.size() + 1 + env.size() + 1) * sizeof(char*);
  if (pointers + strings > scratch.size)
    throw Error("exec: \"" + (args.empty() ? path : args[0]) + "\": argument list too long");
  auto** slots = reinterpret_cast<char**>(scratch.data);
  char* text = scratch.data + pointers;
  auto copy = [&text](const std::string& s) {
    char* at = text;
    std::memcpy(at, s.c_str(), s.size() + 1);
    text += s.size() + 1;
    return at;
  };
  ExecImage image;
  image.path = copy(path);
  image.argv = slots;
  for (const std::string& a : args) *slots++ = copy(a);
  *slots++ = nullptr;
  image.envp = slots;
  for (const std::string& e : env) *slots++ = copy(e);
  *slots = nullptr;
  return image;
}

ChildMemory::ChildMemory() {
  void* p = mmap(nullptr, kTotal, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) throw syscall_error("map the stack of the container process");
  base_ = static_cast<char*>(p);
  if (mprotect(base_, kGuard, PROT_NONE) < 0) {
    const int err = errno;
    munmap(base_, kTotal);
    throw syscall_error("protect the stack guard of the container process", err);
  }
}

ChildMemory::~ChildMemory() { munmap(base_, kTotal); }

void* ChildMemory::stack_top() const { return base_ + kGuard + kStack; }

ExecScratch ChildMemory::scratch() const { return ExecScratch{base_ + kGuard + kStack, kScratch}; }

}  // namespace stack::engine::runtime
