#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/log_reader.hpp"
#include "engine/shim/json_log_writer.hpp"

using stack::engine::LogEntry;
using stack::engine::LogReadOptions;
using stack::engine::read_logs;
using stack::engine::shim::JsonLogWriter;
using Clock = std::chrono::steady_clock;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "stack-logfollow-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

timespec at(int seconds) { return {1700000000 + seconds, 0}; }  // 2023-11-14T22:13:20Z + seconds
std::string line(int i) { return "line " + std::to_string(i) + "\n"; }

std::vector<std::string> lines(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(line(i));
  return out;
}

// Polls `done` until it holds or 5 s have passed (then the test fails on its checks
// instead of hanging).
template <typename F>
void wait_until(F done) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!done() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// A reader following a log while a writer thread plays the container. The container
// "runs" until `running` is cleared; `polls` counts the reader's still_running calls, so
// the writer can tell that the reader has looked at the files since its last write.
struct FollowedLog {
  explicit FollowedLog(std::string log_path) : path(std::move(log_path)) {}

  std::string path;
  std::atomic<bool> running{true};
  std::atomic<int> polls{0};
  std::atomic<int> received{0};
  std::vector<std::string> got;

  void follow(LogReadOptions options = {}) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    options.follow = true;
    options.still_running = [this, deadline] {
      ++polls;
      return running.load() && Clock::now() < deadline;
    };
    read_logs(path, options, [this](const LogEntry& e) {
      got.push_back(e.text);
      ++received;
    });
  }
  // Returns once the reader has been through one more round after this call.
  void wait_for_reader_to_look() {
    const int seen = polls.load();
    wait_until([&] { return polls.load() >= seen + 2; });
  }
};

void append(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::app);
  out << bytes;
}

}  // namespace

TEST_CASE("follow reads lines written later, across rotations, until the container stops", "[logs]") {
  TempDir d;
  FollowedLog log{d.path + "/c.log"};
  JsonLogWriter w(log.path, 200, 50);  // two entries per file
  w.write("stdout", line(0), at(0));
  std::thread writer([&] {
    for (int i = 1; i < 10; ++i) {
      wait_until([&] { return log.received.load() >= i; });  // the reader is following, not catching up
      w.write("stdout", line(i), at(i));
    }
    wait_until([&] { return log.received.load() >= 10; });
    for (int i = 10; i < 20; ++i) w.write("stdout", line(i), at(i));  // five rotations at once
    log.running = false;  // stopped: what it wrote must still be read
  });
  log.follow();
  writer.join();
  CHECK(log.got == lines(0, 20));
  CHECK(std::filesystem::exists(log.path + ".9"));
}

TEST_CASE("follow does not split a line the writer has written half of", "[logs]") {
  TempDir d;
  FollowedLog log{d.path + "/c.log"};
  const std::string entry = R"({"log":"whole line\n","stream":"stdout","time":"2023-11-14T22:13:20Z"})" "\n";
  std::thread writer([&] {
    wait_until([&] { return log.polls.load() >= 1; });
    append(log.path, entry.substr(0, 20));
    log.wait_for_reader_to_look();
    append(log.path, entry.substr(20));
    log.running = false;
  });
  log.follow();
  writer.join();
  CHECK(log.got == std::vector<std::string>{"whole line\n"});
}

TEST_CASE("follow with tail 0 shows only what is written after it starts", "[logs]") {
  TempDir d;
  FollowedLog log{d.path + "/c.log"};
  JsonLogWriter w(log.path);
  for (int i = 0; i < 3; ++i) w.write("stdout", line(i), at(i));
  std::thread writer([&] {
    wait_until([&] { return log.polls.load() >= 1; });
    w.write("stdout", line(3), at(3));
    log.running = false;
  });
  LogReadOptions o;
  o.tail = 0;
  log.follow(o);
  writer.join();
  CHECK(log.got == lines(3, 4));
}

TEST_CASE("follow waits for a log that does not exist yet", "[logs]") {
  TempDir d;
  FollowedLog log{d.path + "/c.log"};
  std::thread writer([&] {
    wait_until([&] { return log.polls.load() >= 1; });
    JsonLogWriter w(log.path, 200, 5);
    for (int i = 0; i < 5; ++i) w.write("stdout", line(i), at(i));
    log.running = false;
  });
  log.follow();
  writer.join();
  CHECK(log.got == lines(0, 5));
}

TEST_CASE("follow ends at until even while the container runs", "[logs]") {
  TempDir d;
  FollowedLog log{d.path + "/c.log"};
  JsonLogWriter w(log.path);
  for (int i = 0; i < 3; ++i) w.write("stdout", line(i), at(i));
  LogReadOptions o;
  o.until = "2023-11-14T22:13:25Z";  // in the past: nothing newer can come
  log.follow(o);
  CHECK(log.got == lines(0, 3));
  CHECK(log.polls.load() == 1);  // returned after one look, not when the container stopped
}
