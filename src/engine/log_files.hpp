// The pieces log_reader.cpp and log_follow.cpp share: decoding json-file lines, the
// since/until filter, opening the rotated files, and reading them forwards and backwards.
// Internal to the log reader; users call read_logs (log_reader.hpp).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/unique_fd.hpp"
#include "engine/log_reader.hpp"

namespace stack::engine::logs {

// RFC 3339 ("2026-11-23T10:00:00.5Z", "...+01:00"; without a zone: the local offset now)
// as unix nanoseconds, or nullopt.
std::optional<int64_t> parse_rfc3339_ns(std::string_view text);

// One json-file line (without its newline), or nullopt when it is not a log entry.
std::optional<LogEntry> decode_log_line(std::string_view line);

// Passes entries whose time is inside [since, until] to the sink. Entries are in time
// order, so the first one past `until` ends the reading (done()).
class EntryFilter {
 public:
  EntryFilter(std::optional<int64_t> since_ns, std::optional<int64_t> until_ns,
              const std::function<void(const LogEntry&)>& sink)
      : since_ns_(since_ns), until_ns_(until_ns), sink_(sink) {}

  void offer(const LogEntry& entry);
  // Decodes and offers one line; a malformed line is skipped.
  void line(std::string_view line);
  bool done() const { return done_; }
  const std::optional<int64_t>& until_ns() const { return until_ns_; }

 private:
  std::optional<int64_t> since_ns_;
  std::optional<int64_t> until_ns_;
  const std::function<void(const LogEntry&)>& sink_;
  bool done_ = false;
};

// One open log file. The fd keeps reading the same file when the writer renames it.
struct LogFile {
  std::string path;
  UniqueFd fd;
  dev_t dev = 0;
  ino_t ino = 0;
  bool live = false;  // <log> itself, not a rotated <log>.N

  bool is(const struct stat& st) const { return st.st_dev == dev && st.st_ino == ino; }
  bool is(const LogFile& other) const { return other.dev == dev && other.ino == ino; }
};

// The log's files that exist, oldest first (<log>.N ... <log>.1, <log>). Opened newest
// first and told apart by inode, so a rotation while opening lists no file twice.
std::vector<LogFile> open_log_files(const std::string& log_path);

// Reads `file` from `offset` up to `end` (or its current end), giving every complete line
// to `filter`. Returns the offset after the last complete line: a line still being
// written (no newline yet) is left for the next call.
off_t read_forward(const LogFile& file, off_t offset, EntryFilter& filter,
                   off_t end = std::numeric_limits<off_t>::max());

// Reads `file` backwards from its end until `out` holds `want` entries, appending them
// newest first. Returns the offset after the file's last complete line.
off_t read_backward(const LogFile& file, size_t want, std::vector<LogEntry>& out);

// With --follow, after the files were read: waits for what is written next (see
// LogReadOptions::still_running). `live` is the <log> file read so far (if it existed),
// `offset` the end of its complete lines.
void follow_logs(const std::string& log_path, std::optional<LogFile> live, off_t offset,
                 const LogReadOptions& options, EntryFilter& filter);

// The wall clock, as unix nanoseconds.
int64_t now_unix_ns();

}  // namespace stack::engine::logs
