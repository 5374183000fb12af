// The container's /dev: a small tmpfs with the standard nodes (null, zero, full,
// random, urandom, tty), the links every program expects (fd, stdin, stdout, stderr,
// core, ptmx), its own devpts instance, /dev/shm sized by shm_size, and /dev/mqueue.
#pragma once

#include <cstdint>

namespace stack::engine::runtime {

// Mounts all of the above on the rootfs's /dev (made when missing).
void mount_dev(int root_fd, int64_t shm_size);

}  // namespace stack::engine::runtime
