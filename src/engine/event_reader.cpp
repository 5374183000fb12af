#include "engine/event_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/dir_watch.hpp"
#include "base/error.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::engine {
namespace {

constexpr int kPollMs = 100;

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};

FileId id_of(const struct stat& st) { return {st.st_dev, st.st_ino}; }

std::optional<FileId> id_of_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return id_of(st);
  if (errno == ENOENT) return std::nullopt;
  throw syscall_error("stat the event journal " + path);
}

// Reads the journal forwards, line by line, across rotations: it keeps the file it reads
// open, and when `journal` is another file, finishes the old one (now journal.1, which
// nobody writes to any more: see event_journal.hpp), reads a journal.1 it has not seen
// (when the journal rotated twice since it looked), then moves to the new journal.
class JournalCursor {
 public:
  JournalCursor(const EventJournal& journal, std::function<void(std::string_view)> on_line)
      : journal_(journal), on_line_(std::move(on_line)) {}

  // From the oldest event kept, or from the end of the journal (what comes next).
  void start(bool from_oldest) {
    if (from_oldest) {
      if (open(journal_.rotated_path(), 0)) finish_current();
      open(journal_.path(), 0);
    } else if (open(journal_.path(), 0)) {
      skip_to_end();
    } else {
      last_ = id_of_path(journal_.rotated_path());  // old before we came: not to be read
    }
  }

  // Everything written so far.
  void drain() {
    while (true) {
      read_current();
      const std::optional<FileId> live = id_of_path(journal_.path());
      if (fd_ && live == current_) return;
      const std::optional<FileId> rotated = id_of_path(journal_.rotated_path());
      const bool unread_rotated = rotated && rotated != last_;
      if (!live && !unread_rotated) return;  // rotated away, no new journal yet
      finish_current();
      if (unread_rotated && open(journal_.rotated_path(), 0)) finish_current();
      if (live) open(journal_.path(), 0);
    }
  }

 private:
  // Opens `path` at `offset`; false when it does not exist.
  bool open(const std::string& path, off_t offset) {
    fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd_) {
      if (errno == ENOENT) return false;
      throw syscall_error("open the event journal " + path);
    }
    struct stat st {};
    if (::fstat(fd_.get(), &st) < 0) throw syscall_error("stat the event journal " + path);
    current_ = id_of(st);
    last_ = current_;
    offset_ = offset;
    partial_.clear();
    path_ = path;
    return true;
  }

  // Starts after the last complete line: a line being written right now is not ours.
  void skip_to_end() {
    struct stat st {};
    if (::fstat(fd_.get(), &st) < 0) throw syscall_error("stat the event journal " + path_);
    offset_ = st.st_size;
    char last = '\n';
    if (offset_ > 0 && ::pread(fd_.get(), &last, 1, offset_ - 1) == 1 && last != '\n') skip_partial_ = true;
  }

  void read_current() {
    if (!fd_) return;
    char buf[65536];
    while (true) {
      const ssize_t n = ::pread(fd_.get(), buf, sizeof buf, offset_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw syscall_error("read the event journal " + path_);
      if (n == 0) return;
      offset_ += n;
      partial_.append(buf, static_cast<size_t>(n));
      deliver_lines();
    }
  }

  void deliver_lines() {
    size_t start = 0;
    for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (skip_partial_) skip_partial_ = false;
      else on_line_(std::string_view(partial_).substr(start, nl - start));
    }
    partial_.erase(0, start);
  }

  // The file is written no more: read its end, forget it.
  void finish_current() {
    read_current();
    fd_.reset();
    partial_.clear();
    skip_partial_ = false;
  }

  const EventJournal& journal_;
  std::function<void(std::string_view)> on_line_;
  UniqueFd fd_;
  std::string path_;
  FileId current_;
  std::optional<FileId> last_;  // the newest file read (or known to be old)
  off_t offset_ = 0;
  std::string partial_;  // the start of a line whose end is not written yet
  bool skip_partial_ = false;
};

}  // namespace

void read_events(const EventJournal& journal, const EventReadOptions& options,
                 const std::function<void(const Event&)>& sink) {
  std::error_code ec;
  std::filesystem::create_directories(journal.dir(), ec);
  if (ec) throw Error("cannot make the event journal's directory " + journal.dir() + ": " + ec.message());
  // Watching before the first read: whatever is appended after it wakes the wait.
  const base::DirWatch watch(journal.dir());
  JournalCursor cursor(journal, [&](std::string_view line) {
    const std::optional<Event> e = decode_event(line);
    if (!e || (options.since_ns && e->time_ns < *options.since_ns) || (options.until_ns && e->time_ns > *options.until_ns))
      return;
    sink(*e);
  });
  cursor.start(options.since_ns.has_value());
  while (true) {
    // Decided before reading, so that what was appended before the end is still read.
    const bool last_round = !options.follow || (options.stop && options.stop()) ||
                            (options.until_ns && event_clock_ns() > *options.until_ns);
    cursor.drain();
    if (last_round) return;
    watch.wait(kPollMs);
  }
}

}  // namespace stack::engine
