#include "engine/shim/memory_trim.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace stack::engine::shim {

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
