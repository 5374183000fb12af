// Container output in Docker's json-file format, one JSON object per line:
//   {"log":"hello\n","stream":"stdout","time":"2026-11-23T10:00:00.123456789Z"}
// so `stack logs` (and any tool that reads Docker's logs) can follow it. Rotation as
// the json-file driver's max-size / max-file options: when the next entry would take
// the file past max_size, file.N-1 -> file.N, ..., file -> file.1, and files past
// max_file are deleted.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "base/unique_fd.hpp"

namespace stack::engine::shim {

class JsonLogWriter {
 public:
  // max_size 0: never rotate. max_file: how many files in all (1 = truncate in place).
  JsonLogWriter(std::string path, uint64_t max_size = 0, int max_file = 1);

  // Appends `data` read from a stream ("stdout" or "stderr"). Complete lines become one
  // entry each; a trailing partial line is kept until its newline arrives, or until it
  // reaches 16 KiB (Docker's buffer) when it is written as is.
  void write(std::string_view stream, std::string_view data, const timespec& now);
  // Writes out any partial lines (at the end of the stream).
  void flush(const timespec& now);

  const std::string& path() const { return path_; }

 private:
  void append_entry(std::string_view stream, std::string_view text, const timespec& now);
  void rotate();
  std::string& pending(std::string_view stream) { return stream == "stderr" ? pending_err_ : pending_out_; }

  std::string path_;
  uint64_t max_size_;
  int max_file_;
  UniqueFd fd_;
  uint64_t size_ = 0;
  std::string pending_out_;
  std::string pending_err_;
};

// RFC 3339 with nanoseconds in UTC, as Docker writes log times.
std::string format_log_time(const timespec& t);
// The current time in that form, as Docker writes state times too.
std::string now_rfc3339();
// JSON string escaping of arbitrary bytes (invalid UTF-8 becomes U+FFFD, as Go's encoder).
void append_json_string(std::string& out, std::string_view text);

}  // namespace stack::engine::shim
