// The event journal: what happened to containers, for `stack events`. There is no daemon
// to hand events to, so whoever causes an event appends it: the stack command (create,
// kill, stop, pause, unpause, destroy) and the container's shim (start, die, oom,
// health_status). Layout of the journal's directory (Layout::events_dir()):
//
//   journal        one JSON object per line, oldest first:
//                  {"action":"die","attributes":{"exitCode":"0","image":"busybox",...},
//                   "id":"<64 hex>","timeNano":1764951601123456789,"type":"container"}
//   journal.1      the journal before the last rotation
//   journal.lock   flock: shared while appending, exclusive while rotating
//
// An append is one write(2) of a whole line to a file opened with O_APPEND: the kernel
// serializes writes to a regular file under its inode lock, so lines of concurrent
// appenders (threads or processes) never interleave. Once the journal passes its size
// limit, an appender renames it to journal.1 (dropping the previous journal.1) under the
// exclusive lock. Appenders hold the shared lock from open to write, so no write can land
// in journal.1 after the rename: a reader that saw the rename and then read journal.1 to
// its end has everything (event_reader.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace stack::engine {

struct Event {
  int64_t time_ns = 0;             // unix nanoseconds
  std::string type = "container";  // docker's object type; only containers have events here
  std::string action;              // docker's names: create, start, die, kill, stop, destroy, ...
  std::string id;
  std::map<std::string, std::string> attributes;  // the container's labels, image, name, exitCode, ...
  bool operator==(const Event&) const = default;
};

// One journal line, newline included. Attribute values are cut to 4 KiB so a line stays
// small (one write, one page of the reader's buffer).
std::string encode_event(const Event& event);
// A journal line (without its newline), or nullopt when it is not an event.
std::optional<Event> decode_event(std::string_view line);

// The current time as unix nanoseconds (an event's time).
int64_t event_clock_ns();

class EventJournal {
 public:
  static constexpr uint64_t kDefaultMaxBytes = 8 << 20;

  explicit EventJournal(std::string dir, uint64_t max_bytes = kDefaultMaxBytes);

  // Appends one event (creating the directory on first use); rotates when the journal
  // grew past max_bytes. Throws stack::Error naming the file.
  void append(const Event& event) const;

  const std::string& dir() const { return dir_; }
  std::string path() const { return dir_ + "/journal"; }
  std::string rotated_path() const { return dir_ + "/journal.1"; }
  std::string lock_path() const { return dir_ + "/journal.lock"; }

 private:
  uint64_t write_line(const std::string& line) const;  // returns the journal's size after it
  void rotate() const;

  std::string dir_;
  uint64_t max_bytes_;
};

}  // namespace stack::engine
