#include "engine/log_reader.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "engine/log_files.hpp"

namespace stack::engine {
namespace {

using logs::EntryFilter;
using logs::LogFile;

std::optional<int64_t> time_bound(const char* name, const std::string& text, int64_t now) {
  if (text.empty()) return std::nullopt;
  try {
    return parse_log_time_bound(text, now);
  } catch (const Error& e) {
    throw e.wrap(std::string("invalid value for \"") + name + "\"");
  }
}

// --tail: the last `count` entries over all files, read backwards from the end so that a
// large log costs no more than the lines shown. Docker takes the tail first and filters
// it by since/until after. Returns where the live file's complete lines end.
off_t read_tail(const std::vector<LogFile>& files, size_t count, EntryFilter& filter) {
  std::vector<LogEntry> newest_first;
  off_t live_end = 0;
  for (auto file = files.rbegin(); file != files.rend(); ++file) {
    // The live file is always looked at: a follow goes on from where its lines end.
    if (newest_first.size() >= count && !file->live) break;
    const off_t end = logs::read_backward(*file, count, newest_first);
    if (file->live) live_end = end;
  }
  for (auto entry = newest_first.rbegin(); entry != newest_first.rend() && !filter.done(); ++entry)
    filter.offer(*entry);
  return live_end;
}

// Everything, oldest file first. Each file is read up to the size it had when opened, so a
// chatty container cannot keep a reader without --follow going. Returns where the live
// file's complete lines end.
off_t read_all(const std::vector<LogFile>& files, EntryFilter& filter) {
  off_t live_end = 0;
  for (const LogFile& file : files) {
    struct stat st {};
    if (fstat(file.fd.get(), &st) < 0) st.st_size = 0;
    const off_t end = logs::read_forward(file, 0, filter, st.st_size);
    if (file.live) live_end = end;
    if (filter.done()) break;
  }
  return live_end;
}

}  // namespace

std::optional<size_t> parse_tail(const std::string& text) {
  if (text == "all") return std::nullopt;
  try {
    return std::stoul(text);
  } catch (const std::exception&) {
    throw Error("invalid value for --tail: \"" + text + "\" (a number or \"all\")");
  }
}

void read_logs(const std::string& log_path, const LogReadOptions& options,
               const std::function<void(const LogEntry&)>& sink) {
  const int64_t now = logs::now_unix_ns();
  EntryFilter filter(time_bound("since", options.since, now), time_bound("until", options.until, now), sink);
  std::vector<LogFile> files = logs::open_log_files(log_path);
  const off_t live_end = options.tail ? read_tail(files, *options.tail, filter) : read_all(files, filter);
  if (!options.follow || filter.done()) return;
  std::optional<LogFile> live;
  if (!files.empty() && files.back().live) live = std::move(files.back());
  logs::follow_logs(log_path, std::move(live), live_end, options, filter);
}

}  // namespace stack::engine
