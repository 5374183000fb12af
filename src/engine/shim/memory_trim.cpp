#include "engine/shim/memory_trim.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

// Set by the linker: the start of .bss and the end of the program's data.
extern "C" char __bss_start[], _end[];

namespace stack::engine::shim {
namespace {

// Best effort: before Linux 5.14 (no MADV_POPULATE_WRITE) the pages just fault in later.
void populate(uintptr_t from, uintptr_t to) {
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  from &= ~(page - 1);
  to = (to + page - 1) & ~(page - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
}

}  // namespace

void populate_startup_memory() {
  populate(reinterpret_cast<uintptr_t>(__bss_start), reinterpret_cast<uintptr_t>(_end));
  // The main arena is the top of the data segment: [break - arena, break).
  const auto brk_now = reinterpret_cast<uintptr_t>(sbrk(0));
  const size_t arena = mallinfo2().arena;
  if (arena > 0 && arena <= brk_now) populate(brk_now - arena, brk_now);
}

void release_startup_memory() {
  malloc_trim(0);
  std::string self(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) return;
  self.resize(n);
  FILE* maps = fopen("/proc/self/maps", "re");
  if (!maps) return;
  char line[4096];
  while (fgets(line, sizeof line, maps)) {
    unsigned long start = 0, end = 0;
    char perms[5] = {};
    if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3) continue;
    const char* path = strchr(line, '/');
    if (!path) continue;
    std::string file(path);
    if (!file.empty() && file.back() == '\n') file.pop_back();
    // Only the executable mappings of our own binary: code is never written, so its
    // pages are the file's. Read-only mappings may hold relocated data (RELRO: GOT,
    // ifunc slots) that would revert to the file's unrelocated bytes.
    if (file != self || perms[2] != 'x' || perms[1] == 'w') continue;
    madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
  }
  fclose(maps);
}

}  // namespace stack::engine::shim
