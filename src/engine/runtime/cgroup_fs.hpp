// File operations on cgroupfs, shared by the v1 and v2 code. Every failure is a
// stack::Error naming the operation, the path (and the value written) and the errno
// text, e.g. `write /sys/fs/cgroup/memory/stack/x/memory.limit_in_bytes "1000": Invalid argument`.
// Nothing here creates files: cgroupfs makes its control files itself, so a write to a
// file that does not exist is an error, as it would be on the kernel.
#pragma once

#include <chrono>
#include <string>

namespace stack::engine::runtime::cgroupfs {

// Writes `value` with one write(2): cgroupfs parses each write as a whole (so do the
// kernel's other control files: /proc/sys, /proc/<pid>/oom_score_adj, written with this too).
void write_value(const std::string& path, const std::string& value);
// The whole file; cgroup files are small and must be read from the start.
std::string read_value(const std::string& path);
// The file with surrounding whitespace removed ("FROZEN\n" -> "FROZEN").
std::string read_trimmed(const std::string& path);
bool exists(const std::string& path);

// mkdir; true when it made the directory, false when it was already there.
bool make_dir(const std::string& path);
// rmdir, retrying while the kernel answers EBUSY (a process that just exited may still
// be counted) until `deadline`. Returns "" on success or when the directory is already
// gone, otherwise the failure ("rmdir <path>: Device or resource busy").
std::string remove_dir(const std::string& path, std::chrono::steady_clock::time_point deadline);

// Value of `key` in a flat-keyed file ("oom_kill 3\nunder_oom 0" -> "3" for "oom_kill");
// "" when the key is missing.
std::string keyed_value(const std::string& content, const std::string& key);

}  // namespace stack::engine::runtime::cgroupfs
