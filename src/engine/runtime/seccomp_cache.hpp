// The on-disk cache of compiled seccomp programs: one file per distinct resolved
// profile, "seccomp-<128-bit digest>.bpf" under the cache directory, written atomically.
#pragma once

#include <optional>
#include <string>

namespace stack::engine::runtime::seccomp {

// The cache file for a resolved profile's canonical text; the key also covers the
// libseccomp version (its output may change between versions) and the architecture.
std::string cache_file(const std::string& cache_dir, const std::string& canonical_text);

// The program stored at `path`, or nullopt when there is none or it is not a whole
// number of BPF instructions (then the caller compiles and stores again).
std::optional<std::string> read_cached_program(const std::string& path);

// Writes `bpf` to a temporary file in the same directory and renames it over `path`,
// so a reader never sees half a program. Creates the directory if needed.
void store_program(const std::string& path, const std::string& bpf);

}  // namespace stack::engine::runtime::seccomp
