// --follow: after the files were read, wait for the writer with inotify on the log's
// directory and read what it appends, across rotations (<log> renamed to <log>.1 and a
// new <log> created) and truncations (max-file 1).
#include <sys/stat.h>

#include <filesystem>

#include "base/dir_watch.hpp"
#include "base/syscall_error.hpp"
#include "engine/log_files.hpp"

namespace stack::engine::logs {
namespace {

constexpr int kPollMs = 100;

// Keeps reading a log as it grows and rotates.
class Follower {
 public:
  Follower(std::string path, std::optional<LogFile> live, off_t offset, EntryFilter& filter)
      : path_(std::move(path)), live_(std::move(live)), offset_(offset), filter_(filter) {
    if (live_) last_ = {live_->dev, live_->ino};
  }

  // Reads everything written so far, moving on to newer files as the writer rotates.
  void drain() {
    while (!filter_.done()) {
      if (live_) offset_ = read_forward(*live_, offset_, filter_);
      struct stat st {};
      if (::stat(path_.c_str(), &st) < 0) {
        if (errno == ENOENT) return;  // between a rotation's rename and create, or not written yet
        throw syscall_error("stat log file " + path_);
      }
      if (!live_ || !live_->is(st)) {
        move_to_newer_files();
      } else if (st.st_size < offset_) {
        offset_ = 0;  // truncated in place: the writer starts over
      } else {
        return;
      }
    }
  }

 private:
  // <log> is not the file we were reading: that one was rotated away. The writer writes
  // no more to it once renamed, so it is finished first; then come the files newer than
  // it (several when it rotated more than once since we looked), the new <log> last.
  void move_to_newer_files() {
    if (live_) read_forward(*live_, offset_, filter_);
    live_.reset();
    std::vector<LogFile> files = open_log_files(path_);
    size_t first = 0;  // when the last file read is gone (deleted as the oldest), all are newer
    for (size_t i = 0; i < files.size(); ++i)
      if (last_ && files[i].dev == last_->first && files[i].ino == last_->second) first = i + 1;
    for (size_t i = first; i < files.size() && !filter_.done(); ++i) {
      last_ = {files[i].dev, files[i].ino};
      if (files[i].live) {
        live_ = std::move(files[i]);
        offset_ = 0;
        return;
      }
      read_forward(files[i], 0, filter_);
    }
  }

  std::string path_;
  std::optional<LogFile> live_;
  off_t offset_;
  std::optional<std::pair<dev_t, ino_t>> last_;  // the newest file read so far
  EntryFilter& filter_;
};

}  // namespace

void follow_logs(const std::string& log_path, std::optional<LogFile> live, off_t offset,
                 const LogReadOptions& options, EntryFilter& filter) {
  const std::filesystem::path parent = std::filesystem::path(log_path).parent_path();
  // Without a watch (the directory does not exist yet) the 100 ms wait still finds changes.
  const base::DirWatch watch(parent.empty() ? std::string(".") : parent.string());
  Follower follower(log_path, std::move(live), offset, filter);
  while (true) {
    // Asked before reading, so that what was written before the container stopped is read.
    bool last_round = options.still_running && !options.still_running();
    if (filter.until_ns() && now_unix_ns() > *filter.until_ns()) last_round = true;
    follower.drain();
    if (last_round || filter.done()) return;
    watch.wait(kPollMs);
  }
}

}  // namespace stack::engine::logs
