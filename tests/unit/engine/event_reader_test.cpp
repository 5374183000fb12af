#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "engine/event_journal.hpp"
#include "engine/event_reader.hpp"
#include "unit/image/scratch.hpp"

using stack::engine::encode_event;
using stack::engine::Event;
using stack::engine::EventJournal;
using stack::engine::EventReadOptions;
using stack::engine::read_events;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int64_t kBase = 1'700'000'000'000'000'000;

Event event(int n) {
  Event e;
  e.time_ns = kBase + n;
  e.action = "start";
  e.id = std::string(64, 'b');
  e.attributes = {{"n", std::to_string(1000 + n)}};  // 4 digits: every line the same size
  return e;
}

size_t line_size() { return encode_event(event(0)).size(); }

template <typename F>
void wait_until(F done) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!done() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::vector<int> numbers(const std::vector<Event>& events) {
  std::vector<int> out;
  for (const Event& e : events) out.push_back(static_cast<int>(e.time_ns - kBase));
  return out;
}

std::vector<int> range(int from, int to) {
  std::vector<int> out;
  for (int i = from; i < to; ++i) out.push_back(i);
  return out;
}

// A reader following the journal in a thread; `polls` counts its stop() calls, so a test
// knows it has begun (and looked again since).
struct Follower {
  explicit Follower(const EventJournal& journal, EventReadOptions options = {}) {
    options.follow = true;
    options.stop = [this] {
      ++polls;
      return stop.load();
    };
    thread = std::thread([this, &journal, options] {
      read_events(journal, options, [this](const Event& e) {
        holding = hold.load();
        while (hold) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::lock_guard lock(mutex);
        got.push_back(e);
      });
    });
    wait_until([this] { return polls > 0; });
  }
  ~Follower() { end(); }
  void end() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  size_t count() {
    std::lock_guard lock(mutex);
    return got.size();
  }

  std::atomic<bool> stop{false};
  std::atomic<bool> hold{false};     // the sink waits while set: the reader falls behind
  std::atomic<bool> holding{false};  // it did wait
  std::atomic<int> polls{0};
  std::mutex mutex;
  std::vector<Event> got;
  std::thread thread;
};

}  // namespace

TEST_CASE("a follower without since sees only what is appended after it began", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp.path().string());
  for (int i = 0; i < 3; ++i) journal.append(event(i));
  Follower f(journal);
  for (int i = 3; i < 6; ++i) journal.append(event(i));
  wait_until([&] { return f.count() == 3; });
  f.end();
  CHECK(numbers(f.got) == range(3, 6));
}

TEST_CASE("a follower started before the journal exists sees its first events", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp / "events");
  Follower f(journal);
  journal.append(event(0));
  wait_until([&] { return f.count() == 1; });
  f.end();
  CHECK(numbers(f.got) == range(0, 1));
}

TEST_CASE("since reads the rotated journal first and skips older events", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp.path().string(), line_size() * 4);
  for (int i = 0; i < 8; ++i) journal.append(event(i));  // 0-4 journal.1, 5-7 the journal
  EventReadOptions o;
  o.follow = false;
  o.since_ns = kBase + 2;
  std::vector<Event> got;
  read_events(journal, o, [&](const Event& e) { got.push_back(e); });
  CHECK(numbers(got) == range(2, 8));
}

TEST_CASE("until leaves out later events and ends a follow once it passed", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp.path().string());
  for (int i = 0; i < 6; ++i) journal.append(event(i));
  EventReadOptions o;
  o.follow = true;  // until is long past: the follow ends after reading what is there
  o.since_ns = kBase;
  o.until_ns = kBase + 3;
  std::vector<Event> got;
  read_events(journal, o, [&](const Event& e) { got.push_back(e); });
  CHECK(numbers(got) == range(0, 4));
}

TEST_CASE("a follower keeps every event across rotations, even two while it lagged", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp.path().string(), line_size() * 3);
  Follower f(journal);
  int n = 0;
  SECTION("one rotation at a time") {
    for (; n < 20; ++n) {
      journal.append(event(n));
      const size_t want = n + 1;
      wait_until([&] { return f.count() == want; });
    }
  }
  SECTION("two rotations while the reader was held up") {
    f.hold = true;
    journal.append(event(n++));
    wait_until([&] { return f.holding.load(); });  // its sink holds event 0, its file still open
    for (; n < 8; ++n) journal.append(event(n));    // rotated twice: 0-3 to journal.1, then 4-7 (0-3 deleted)
    f.hold = false;
    wait_until([&] { return f.count() == 8; });
  }
  f.end();
  CHECK(numbers(f.got) == range(0, n));
}

TEST_CASE("a line being written is read once it is whole", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp.path().string());
  Follower f(journal);
  const std::string line = encode_event(event(0));
  {
    FILE* out = std::fopen(journal.path().c_str(), "a");
    REQUIRE(out);
    std::fwrite(line.data(), 1, 10, out);
    std::fflush(out);
    const int polls = f.polls;
    wait_until([&] { return f.polls > polls + 1; });  // it looked at the half line
    std::fwrite(line.data() + 10, 1, line.size() - 10, out);
    std::fclose(out);
  }
  wait_until([&] { return f.count() == 1; });
  f.end();
  CHECK(numbers(f.got) == range(0, 1));
}
