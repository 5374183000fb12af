// Keeping the shim small (DESIGN: under 1.5 MiB RSS per shim). Starting a container
// runs code the supervision loop never needs again (JSON parsing, seccomp, mounts,
// libstdc++ set-up); once it ran, the pages it touched are handed back: free heap
// to the kernel, and the binary's code pages unmapped from this process (they are
// clean file pages, shared in the page cache; the loop faults back the few it uses).
#pragma once

namespace stack::engine::shim {

void release_startup_memory();

// Called first thing: the zeroed data (bss) and the heap that the start writes anyway,
// populated in one call each. A page fault costs about 13 us on a paravirtualized guest,
// populating about 1.4 us a page; the shim takes some 40 such faults per start.
void populate_startup_memory();

}  // namespace stack::engine::shim
