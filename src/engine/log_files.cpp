#include "engine/log_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "base/syscall_error.hpp"

namespace stack::engine::logs {
namespace {

constexpr size_t kChunk = 64 * 1024;

// Opens `path` for reading; an empty LogFile when it does not exist.
LogFile open_log_file(const std::string& path, bool live) {
  LogFile file;
  file.fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.fd) {
    if (errno == ENOENT) return file;
    throw syscall_error("open log file " + path);
  }
  struct stat st {};
  if (fstat(file.fd.get(), &st) < 0) throw syscall_error("stat log file " + path);
  file.path = path;
  file.dev = st.st_dev;
  file.ino = st.st_ino;
  file.live = live;
  return file;
}

// pread that retries on EINTR; returns the bytes read (0 at the end of the file).
size_t pread_some(const LogFile& file, char* data, size_t size, off_t offset) {
  while (true) {
    const ssize_t n = ::pread(file.fd.get(), data, size, offset);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) throw syscall_error("read log file " + file.path);
  }
}

}  // namespace

int64_t now_unix_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::optional<LogEntry> decode_log_line(std::string_view line) {
  const auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto log = j.find("log");
  const auto stream = j.find("stream");
  const auto time = j.find("time");
  if (log == j.end() || stream == j.end() || time == j.end()) return std::nullopt;
  if (!log->is_string() || !stream->is_string() || !time->is_string()) return std::nullopt;
  return LogEntry{stream->get<std::string>(), time->get<std::string>(), log->get<std::string>()};
}

void EntryFilter::offer(const LogEntry& entry) {
  if (done_) return;
  if (since_ns_ || until_ns_) {
    const auto t = parse_rfc3339_ns(entry.time);
    if (!t) return;  // without a time it cannot be placed: skipped like a malformed line
    if (since_ns_ && *t < *since_ns_) return;
    if (until_ns_ && *t > *until_ns_) {
      done_ = true;
      return;
    }
  }
  sink_(entry);
}

void EntryFilter::line(std::string_view line) {
  if (auto entry = decode_log_line(line)) offer(*entry);
}

std::vector<LogFile> open_log_files(const std::string& log_path) {
  std::vector<LogFile> newest_first;
  auto seen = [&](const LogFile& f) {
    return std::any_of(newest_first.begin(), newest_first.end(), [&](const LogFile& g) { return g.is(f); });
  };
  if (LogFile live = open_log_file(log_path, true); live.fd) newest_first.push_back(std::move(live));
  // While the writer rotates, one number is missing for a moment (.2 moved to .3, .1
  // not yet to .2): only two missing numbers in a row end the list.
  for (int n = 1, missing = 0; missing < 2 && n < 100000; ++n) {
    LogFile file = open_log_file(log_path + "." + std::to_string(n), false);
    missing = file.fd ? 0 : missing + 1;
    if (file.fd && !seen(file)) newest_first.push_back(std::move(file));
  }
  std::reverse(newest_first.begin(), newest_first.end());
  return newest_first;
}

off_t read_forward(const LogFile& file, off_t offset, EntryFilter& filter, off_t end) {
  std::string buffer;  // the file's bytes from `offset`: at most one partial line between reads
  size_t scanned = 0;  // bytes of buffer known to hold no newline
  while (offset + static_cast<off_t>(buffer.size()) < end && !filter.done()) {
    const size_t old_size = buffer.size();
    const size_t want = static_cast<size_t>(std::min<off_t>(kChunk, end - offset - static_cast<off_t>(old_size)));
    buffer.resize(old_size + want);
    const size_t n = pread_some(file, buffer.data() + old_size, want, offset + static_cast<off_t>(old_size));
    buffer.resize(old_size + n);
    if (n == 0) break;
    size_t start = 0;
    for (size_t nl; !filter.done() && (nl = buffer.find('\n', scanned)) != std::string::npos; scanned = start) {
      filter.line(std::string_view(buffer).substr(start, nl - start));
      start = nl + 1;
    }
    buffer.erase(0, start);
    offset += static_cast<off_t>(start);
    scanned = buffer.size();
  }
  return offset;
}

off_t read_backward(const LogFile& file, size_t want, std::vector<LogEntry>& out) {
  struct stat st {};
  if (fstat(file.fd.get(), &st) < 0) throw syscall_error("stat log file " + file.path);
  off_t pos = st.st_size;
  std::optional<off_t> end;  // after the last newline, once seen
  std::string carry;         // the end of a line whose start lies before `pos`, with its '\n'
  auto take = [&](std::string_view line) {
    if (auto entry = decode_log_line(line)) out.push_back(std::move(*entry));
  };
  while (pos > 0 && (out.size() < want || !end)) {
    const auto n = static_cast<size_t>(std::min<off_t>(kChunk, pos));
    pos -= static_cast<off_t>(n);
    std::string data(n, '\0');
    size_t got = 0;
    while (got < n) {
      const size_t k = pread_some(file, data.data() + got, n - got, pos + static_cast<off_t>(got));
      if (k == 0) return end.value_or(0);  // truncated in place while read: keep what was taken
      got += k;
    }
    data += carry;
    size_t line_end = data.size();  // data[..line_end) ends with '\n' once `end` is known
    if (!end) {
      const size_t nl = data.rfind('\n');
      if (nl == std::string::npos) continue;  // all of it belongs to a line still being written
      end = pos + static_cast<off_t>(nl) + 1;
      line_end = nl + 1;
    }
    while (out.size() < want && line_end >= 2) {
      const size_t prev = data.rfind('\n', line_end - 2);
      if (prev == std::string::npos) break;
      take(std::string_view(data).substr(prev + 1, line_end - prev - 2));
      line_end = prev + 1;
    }
    carry = data.substr(0, line_end);
  }
  if (pos == 0 && out.size() < want && carry.size() > 1) take(std::string_view(carry).substr(0, carry.size() - 1));
  return end.value_or(0);
}

}  // namespace stack::engine::logs
