#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "engine/event_journal.hpp"
#include "unit/image/scratch.hpp"

using stack::engine::decode_event;
using stack::engine::encode_event;
using stack::engine::Event;
using stack::engine::EventJournal;

namespace {

Event event(const std::string& action, int n, const std::string& writer = "w") {
  Event e;
  e.time_ns = 1'700'000'000'000'000'000 + n;
  e.action = action;
  e.id = std::string(64, 'a');
  e.attributes = {{"name", "p-web-1"}, {"writer", writer}, {"n", std::to_string(n)}};
  return e;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Every line of the journal decodes; returns the events.
std::vector<Event> whole_events(const std::string& path) {
  std::vector<Event> out;
  for (const std::string& line : lines_of(path)) {
    auto e = decode_event(line);
    INFO(line);
    REQUIRE(e);
    out.push_back(*e);
  }
  return out;
}

}  // namespace

TEST_CASE("an event survives its journal line", "[events]") {
  Event e = event("die", 7);
  e.attributes["exitCode"] = "137";
  e.attributes["odd"] = "quote \" newline \n tab \t";
  const std::string line = encode_event(e);
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1);  // one line, whatever the values hold
  CHECK(decode_event(std::string_view(line).substr(0, line.size() - 1)) == e);
}

TEST_CASE("lines that are not events decode as nothing", "[events]") {
  CHECK_FALSE(decode_event(""));
  CHECK_FALSE(decode_event("{\"action\":\"start\""));  // the start of a line being written
  CHECK_FALSE(decode_event("[1,2]"));
  CHECK_FALSE(decode_event("{\"action\":\"start\",\"id\":\"x\"}"));  // no time
}

TEST_CASE("long attribute values are cut so a line stays small", "[events]") {
  Event e = event("create", 1);
  e.attributes["big"] = std::string(100000, 'x');
  const auto back = decode_event(encode_event(e));
  REQUIRE(back);
  CHECK(back->attributes.at("big").size() == 4096);
}

TEST_CASE("appended events read back in order, the directory made on first use", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp / "events");
  for (int i = 0; i < 5; ++i) journal.append(event("start", i));
  const std::vector<Event> got = whole_events(journal.path());
  REQUIRE(got.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(got[i] == event("start", i));
}

TEST_CASE("a journal past its limit is rotated to journal.1, the older one dropped", "[events]") {
  const stack::testing::TempDir tmp;
  const size_t line = encode_event(event("start", 0)).size();
  const EventJournal journal(tmp.path().string(), line * 3);  // rotates when a fourth line went in
  for (int i = 0; i < 10; ++i) journal.append(event("start", i));
  // 0-3 rotated away (then dropped), 4-7 are journal.1, 8-9 the journal
  const std::vector<Event> rotated = whole_events(journal.rotated_path());
  const std::vector<Event> live = whole_events(journal.path());
  REQUIRE(rotated.size() == 4);
  REQUIRE(live.size() == 2);
  CHECK(rotated.front().attributes.at("n") == "4");
  CHECK(live.back().attributes.at("n") == "9");
  CHECK_FALSE(std::filesystem::exists(journal.path() + ".2"));
}

TEST_CASE("concurrent appenders in threads write whole lines, none lost", "[events]") {
  const stack::testing::TempDir tmp;
  const EventJournal journal(tmp.path().string());
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) journal.append(event("start", i, "t" + std::to_string(t)));
    });
  for (auto& t : threads) t.join();
  const std::vector<Event> got = whole_events(journal.path());
  REQUIRE(got.size() == kThreads * kEach);
  // each writer's events in its own order
  std::map<std::string, int> next;
  for (const Event& e : got) CHECK(std::stoi(e.attributes.at("n")) == next[e.attributes.at("writer")]++);
}

TEST_CASE("concurrent appenders in processes write whole lines across rotations", "[events]") {
  const stack::testing::TempDir tmp;
  const size_t line = encode_event(event("start", 0, "p0")).size();
  const EventJournal journal(tmp.path().string(), line * 50);
  constexpr int kProcesses = 4, kEach = 300;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int status = 0;
      try {
        for (int i = 0; i < kEach; ++i) journal.append(event("start", i, "p" + std::to_string(p)));
      } catch (...) {
        status = 1;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  // What is kept is whole lines, each writer's in order, and the last events all there.
  std::vector<Event> got = whole_events(journal.rotated_path());
  for (const Event& e : whole_events(journal.path())) got.push_back(e);
  REQUIRE(got.size() >= 40);  // journal.1 holds at least the limit's worth
  std::map<std::string, int> last;
  for (const Event& e : got) {
    const int n = std::stoi(e.attributes.at("n"));
    auto [it, fresh] = last.emplace(e.attributes.at("writer"), n);
    if (!fresh) CHECK(n == ++it->second);
  }
  CHECK(std::filesystem::file_size(journal.path()) <= line * 50);
}
