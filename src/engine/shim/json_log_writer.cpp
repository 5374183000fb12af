#include "engine/shim/json_log_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/files.hpp"
#include "base/syscall_error.hpp"

namespace stack::engine::shim {
namespace {

constexpr size_t kMaxLine = 16 * 1024;

// Length of the valid UTF-8 sequence at text[i], or 0.
size_t utf8_length(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  return len;
}

}  // namespace

std::string format_log_time(const timespec& t) {
  tm utc{};
  gmtime_r(&t.tv_sec, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long>(t.tv_nsec));
  return buf;
}

std::string now_rfc3339() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return format_log_time(t);
}

void append_json_string(std::string& out, std::string_view text) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t len = utf8_length(text, i);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {  // Go's encoder escapes HTML too
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  out += '"';
}

JsonLogWriter::JsonLogWriter(std::string path, uint64_t max_size, int max_file)
    : path_(std::move(path)), max_size_(max_size), max_file_(max_file < 1 ? 1 : max_file) {
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (!fd_) throw syscall_error("open log file " + path_);
  struct stat st {};
  if (fstat(fd_.get(), &st) == 0) size_ = static_cast<uint64_t>(st.st_size);
}

void JsonLogWriter::write(std::string_view stream, std::string_view data, const timespec& now) {
  std::string& buf = pending(stream);
  buf.append(data);
  size_t start = 0;
  while (true) {
    size_t nl = buf.find('\n', start);
    if (nl == std::string::npos) break;
    append_entry(stream, std::string_view(buf).substr(start, nl + 1 - start), now);
    start = nl + 1;
  }
  buf.erase(0, start);
  while (buf.size() >= kMaxLine) {
    append_entry(stream, std::string_view(buf).substr(0, kMaxLine), now);
    buf.erase(0, kMaxLine);
  }
}

void JsonLogWriter::flush(const timespec& now) {
  for (const char* stream : {"stdout", "stderr"}) {
    std::string& buf = pending(stream);
    if (!buf.empty()) append_entry(stream, buf, now);
    buf.clear();
  }
}

void JsonLogWriter::append_entry(std::string_view stream, std::string_view text, const timespec& now) {
  std::string line = "{\"log\":";
  append_json_string(line, text);
  line += ",\"stream\":\"";
  line += stream;
  line += "\",\"time\":\"" + format_log_time(now) + "\"}\n";
  if (max_size_ > 0 && size_ > 0 && size_ + line.size() > max_size_) rotate();
  if (!base::write_all(fd_.get(), line)) throw syscall_error("write log file " + path_);
  size_ += line.size();
}

void JsonLogWriter::rotate() {
  if (max_file_ > 1) {
    for (int i = max_file_ - 1; i >= 1; --i) {
      const std::string from = i == 1 ? path_ : path_ + "." + std::to_string(i - 1);
      const std::string to = path_ + "." + std::to_string(i);
      if (::rename(from.c_str(), to.c_str()) < 0 && errno != ENOENT) throw syscall_error("rotate " + from + " to " + to);
    }
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640));
  } else if (ftruncate(fd_.get(), 0) < 0) {
    throw syscall_error("truncate log file " + path_);
  }
  if (!fd_) throw syscall_error("open log file " + path_);
  size_ = 0;
}

}  // namespace stack::engine::shim
