#include "engine/event_journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/file_lock.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::engine {
namespace {

constexpr size_t kMaxValue = 4096;

}  // namespace

std::string encode_event(const Event& e) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : e.attributes) attributes[key] = value.size() > kMaxValue ? value.substr(0, kMaxValue) : value;
  const nlohmann::json j = {{"type", e.type}, {"action", e.action}, {"id", e.id}, {"timeNano", e.time_ns}, {"attributes", attributes}};
  // A value cut inside a UTF-8 sequence (or a label that never was UTF-8) gets U+FFFD
  // instead of making the whole event unwritable.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<Event> decode_event(std::string_view line) {
  const auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto action = j.find("action"), id = j.find("id"), time = j.find("timeNano");
  if (action == j.end() || id == j.end() || time == j.end()) return std::nullopt;
  if (!action->is_string() || !id->is_string() || !time->is_number_integer()) return std::nullopt;
  Event e;
  e.action = action->get<std::string>();
  e.id = id->get<std::string>();
  e.time_ns = time->get<int64_t>();
  if (auto type = j.find("type"); type != j.end() && type->is_string()) e.type = type->get<std::string>();
  if (auto attributes = j.find("attributes"); attributes != j.end() && attributes->is_object())
    for (const auto& [key, value] : attributes->items())
      if (value.is_string()) e.attributes[key] = value.get<std::string>();
  return e;
}

int64_t event_clock_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

EventJournal::EventJournal(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

void EventJournal::append(const Event& event) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);  // a failure shows as the open's error below
  if (write_line(encode_event(event)) > max_bytes_) rotate();
}

uint64_t EventJournal::write_line(const std::string& line) const {
  const base::FileLock appending(lock_path(), base::FileLock::Mode::Shared);
  UniqueFd fd(::open(path().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) throw syscall_error("open the event journal " + path());
  // One write: a retry after a short write could interleave with another appender's
  // line, so a short write (a full disk) leaves a partial line readers skip.
  ssize_t n;
  do n = ::write(fd.get(), line.data(), line.size());
  while (n < 0 && errno == EINTR);
  if (n < 0) throw syscall_error("append to the event journal " + path());
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) throw syscall_error("stat the event journal " + path());
  return static_cast<uint64_t>(st.st_size);
}

// Several appenders may find the journal too big at once: the first rotates, the others
// find a small journal under the lock and leave it.
void EventJournal::rotate() const {
  const base::FileLock rotating(lock_path(), base::FileLock::Mode::Exclusive);
  struct stat st {};
  if (::stat(path().c_str(), &st) < 0 || static_cast<uint64_t>(st.st_size) <= max_bytes_) return;
  if (::rename(path().c_str(), rotated_path().c_str()) < 0) throw syscall_error("rotate the event journal " + path());
}

}  // namespace stack::engine
