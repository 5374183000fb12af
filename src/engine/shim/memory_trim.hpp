// Keeping the shim small (DESIGN: under 1.5 MiB RSS per shim). Starting a container
// runs code the supervision loop never needs again (JSON parsing, seccomp, mounts,
// libstdc++ set-up); once it ran, the pages it touched are handed back: free heap
// to the kernel, and the binary's code pages unmapped from this process (they are
// clean file pages, shared in the page cache; the loop faults back the few it uses).
#pragma once

namespace stack::engine::shim {

void release_startup_memory();

}  // namespace stack::engine::shim
