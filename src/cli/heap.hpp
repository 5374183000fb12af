// Heap tuning for the short-lived `stack` CLI process.
#pragma once

namespace stack::cli {

// Asks for transparent huge pages on the main heap. Loading a large project builds
// trees of many small nodes; under virtualization each 4 KiB page fault is costly
// (a 500-service load spent about a third of its time faulting in heap pages).
// This does what glibc's `glibc.malloc.hugetlb=1` tunable does, from inside the
// process, and keeps every thread on that heap. Only for the CLI: the long-lived shim must stay small, not fast to start.
void prefer_huge_heap_pages();

}  // namespace stack::cli
