// `stack container cp` and `stack cp`: files between a container (running or not) and
// the host, with docker cp's semantics (copy_plan.hpp). A `-` on the host side is a tar
// stream: the source's tar on out_fd, or a tar from in_fd extracted into a directory.
#pragma once

#include <cstdint>
#include <string>

#include "engine/containers.hpp"

namespace stack::engine::cp {

struct CopyOptions {
  bool archive = false;      // -a: keep the source's uid/gid (else: root in a container, the caller on the host)
  bool follow_link = false;  // -L: a symlink at the end of the source path is followed
};

struct CopyResult {
  uint64_t bytes = 0;       // of the tar stream moved (0 for a stream from stdin)
  std::string destination;  // the host path made absolute, or the container path
};

// The container's `source` to the host's `destination` ("-": a tar on out_fd).
CopyResult copy_from_container(const Containers& containers, const std::string& id, const std::string& source,
                               const std::string& destination, const CopyOptions& options, int out_fd = 1);

// The host's `source` ("-": a tar read from in_fd) to the container's `destination`.
CopyResult copy_to_container(const Containers& containers, const std::string& id, const std::string& source,
                             const std::string& destination, const CopyOptions& options, int in_fd = 0);

}  // namespace stack::engine::cp
