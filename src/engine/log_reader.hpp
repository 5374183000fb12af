// Reading a container's json-file log (shim/json_log_writer.hpp) the way `docker logs`
// does: the rotated files oldest first (<log>.N ... <log>.1, <log>), --tail, --since,
// --until, --timestamps, and --follow, which waits for new lines with inotify, keeps
// going across rotations and container restarts, and ends when the container has
// stopped for good.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace stack::engine {

struct LogEntry {
  std::string stream;  // "stdout" | "stderr"
  std::string time;    // RFC 3339 with nanoseconds, as written
  std::string text;    // the bytes, including the trailing newline when there was one
};

struct LogReadOptions {
  std::optional<size_t> tail;   // the last N entries only (over all files), taken before since/until
  std::string since;            // RFC 3339, or a duration like "10m" before now, or unix seconds;
                                // entries at or after it
  std::string until;            // same forms; entries at or before it (a follow ends once it passed)
  bool follow = false;
  // With follow: called while waiting (about every 100 ms and on every file change);
  // reading stops once it returns false and the files have been read to their end.
  // Unset: follow until `until` (or forever).
  std::function<bool()> still_running;
};

// Calls `sink` for every entry, in order. Missing log files read as empty. Throws
// stack::Error for a malformed since/until; a malformed line is skipped.
void read_logs(const std::string& log_path, const LogReadOptions& options,
               const std::function<void(const LogEntry&)>& sink);

// --tail's value: "all" -> nullopt (every entry), a number -> that many. Throws stack::Error
// naming the value otherwise.
std::optional<size_t> parse_tail(const std::string& text);

// Parses since/until: RFC 3339 ("2026-11-23T10:00:00Z", fractions and offsets allowed),
// a Go duration before `now_unix_ns` ("10m", "1h30m"), or unix seconds ("1700000000.5").
// Returns unix nanoseconds.
int64_t parse_log_time_bound(const std::string& text, int64_t now_unix_ns);

}  // namespace stack::engine
