#include "cli/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace stack::cli {
namespace {

constexpr uintptr_t kHuge = 2u << 20;
constexpr int kCollapse = 25;  // MADV_COLLAPSE (Linux 6.1), which glibc 2.36 does not name

uintptr_t huge_up(uintptr_t a) { return (a + kHuge - 1) & ~(kHuge - 1); }

// Held for the life of the process; a root, so leak checkers do not report it.
void* filler = nullptr;

}  // namespace

void prefer_huge_heap_pages() {
#if defined(__SANITIZE_ADDRESS__)
  return;  // the sanitizer's allocator replaces glibc's heap: nothing here applies
#endif
  constexpr size_t kPad = 64u << 20;
  // Make the heap grow once by kPad (address space only: pages are touched on use),
  // so the memory the load will use is one region we can advise now.
  mallopt(M_TOP_PAD, static_cast<int>(kPad));
  mallopt(M_MMAP_THRESHOLD, 4 << 20);  // the filler below stays on the heap
  // A huge page needs a 2 MiB-aligned range: the rest of the heap's first, partial
  // 2 MiB block is taken by a filler that is never touched (nor freed), so that later
  // blocks start on the boundary instead of faulting in up to 512 small pages first.
  void* probe = std::malloc(64);
  if (!probe) return;
  const auto at = reinterpret_cast<uintptr_t>(probe);
  std::free(probe);
  // The filler's chunk starts 16 bytes before `at`; the 64 cover its headers.
  filler = std::malloc(huge_up(at) - at + 64);
  if (filler == nullptr) return;
  // Blocks up to 1 MiB stay on the heap instead of going to separate mmaps.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // One arena: the worker threads of an `up` (one a container, the firewall's) then
  // allocate from this huge-page heap too, instead of each faulting in fresh 4 KiB
  // pages of an arena of its own (about 250 of a 10-service up's 920 faults).
  mallopt(M_ARENA_MAX, 1);
  const uintptr_t start = huge_up(at);
  const uintptr_t end = reinterpret_cast<uintptr_t>(sbrk(0)) & ~(kHuge - 1);
  if (end <= start) return;
  // Best effort: without THP (or in "never" mode) these fail and nothing changes.
  madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  // Writing the filler's neighbour header touched the first aligned block already, so
  // it has small pages: make it one huge page now (about 0.3 ms, against some 370
  // faults of 14 us each in a 10-service up).
  madvise(reinterpret_cast<void*>(start), kHuge, kCollapse);
}

}  // namespace stack::cli
