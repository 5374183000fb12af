#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "engine/log_reader.hpp"
#include "engine/shim/json_log_writer.hpp"

using stack::engine::LogEntry;
using stack::engine::LogReadOptions;
using stack::engine::parse_log_time_bound;
using stack::engine::read_logs;
using stack::engine::shim::JsonLogWriter;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "stack-logread-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

constexpr int64_t kBase = 1700000000;  // 2023-11-14T22:13:20Z
constexpr int64_t kSecond = 1'000'000'000;

timespec at(int seconds) { return {kBase + seconds, 0}; }

std::string line(int i) { return "line " + std::to_string(i) + "\n"; }

// "line <i>\n" written at kBase + i seconds, for i in [from, to).
void write_lines(JsonLogWriter& w, int from, int to) {
  for (int i = from; i < to; ++i) w.write("stdout", line(i), at(i));
}

std::vector<std::string> lines(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(line(i));
  return out;
}

std::vector<std::string> texts(const std::string& path, const LogReadOptions& options = {}) {
  std::vector<std::string> out;
  read_logs(path, options, [&](const LogEntry& e) { out.push_back(e.text); });
  return out;
}

LogReadOptions tail(size_t n) {
  LogReadOptions o;
  o.tail = n;
  return o;
}

// Seven entries of about 85 bytes, two per file: <log>.3 (0, 1) ... <log>.1 (4, 5), <log> (6).
void write_rotated_log(const std::string& path) {
  JsonLogWriter w(path, 200, 10);
  write_lines(w, 0, 7);
  REQUIRE(std::filesystem::exists(path + ".3"));
  REQUIRE_FALSE(std::filesystem::exists(path + ".4"));
}

}  // namespace

TEST_CASE("log entries come oldest rotated file first, then the live file", "[logs]") {
  TempDir d;
  write_rotated_log(d.path + "/c.log");
  CHECK(texts(d.path + "/c.log") == lines(0, 7));
}

TEST_CASE("a log that was never written reads as empty", "[logs]") {
  TempDir d;
  CHECK(texts(d.path + "/c.log").empty());
  CHECK(texts(d.path + "/c.log", tail(5)).empty());
}

TEST_CASE("tail shows the last entries over all files", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  write_rotated_log(path);
  CHECK(texts(path, tail(3)) == lines(4, 7));
  CHECK(texts(path, tail(6)) == lines(1, 7));
  CHECK(texts(path, tail(7)) == lines(0, 7));
  CHECK(texts(path, tail(100)) == lines(0, 7));
  CHECK(texts(path, tail(0)).empty());
}

TEST_CASE("tail reads lines that span the backward read's chunks", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  JsonLogWriter w(path);
  std::vector<std::string> all;
  for (int i = 0; i < 12; ++i) {  // 12 x 15 KB: lines cross every 64 KiB chunk boundary
    all.push_back(std::string(15000, static_cast<char>('a' + i)) + "\n");
    w.write("stdout", all.back(), at(i));
  }
  CHECK(texts(path, tail(5)) == std::vector<std::string>(all.end() - 5, all.end()));
  CHECK(texts(path, tail(12)) == all);
  CHECK(texts(path, tail(20)) == all);
}

TEST_CASE("since and until keep the entries between them, both included", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  JsonLogWriter w(path);
  write_lines(w, 0, 6);
  LogReadOptions o;
  o.since = "2023-11-14T22:13:22Z";
  CHECK(texts(path, o) == lines(2, 6));
  o.since = "2023-11-14T23:13:22+01:00";
  CHECK(texts(path, o) == lines(2, 6));
  o.since = "1700000003.5";
  CHECK(texts(path, o) == lines(4, 6));
  o.since = "";
  o.until = "2023-11-14T22:13:23Z";
  CHECK(texts(path, o) == lines(0, 4));
  o.since = "2023-11-14T22:13:21Z";
  CHECK(texts(path, o) == lines(1, 4));
}

TEST_CASE("tail is taken before since filters, as docker does", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  JsonLogWriter w(path);
  write_lines(w, 0, 6);
  LogReadOptions o = tail(3);
  o.since = "2023-11-14T22:13:24Z";
  CHECK(texts(path, o) == lines(4, 6));
  o.since = "2023-11-14T22:13:21Z";
  CHECK(texts(path, o) == lines(3, 6));
}

TEST_CASE("entries keep their stream, time and text as written", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  JsonLogWriter w(path);
  w.write("stderr", "oops \"quoted\"\n", {kBase, 123456789});
  w.write("stdout", "no newline", {kBase + 1, 5});
  w.flush({kBase + 1, 5});
  std::vector<LogEntry> got;
  read_logs(path, {}, [&](const LogEntry& e) { got.push_back(e); });
  REQUIRE(got.size() == 2);
  CHECK(got[0].stream == "stderr");
  CHECK(got[0].time == "2023-11-14T22:13:20.123456789Z");
  CHECK(got[0].text == "oops \"quoted\"\n");
  CHECK(got[1].stream == "stdout");
  CHECK(got[1].time == "2023-11-14T22:13:21.000000005Z");
  CHECK(got[1].text == "no newline");
}

TEST_CASE("malformed lines are skipped and a line still being written is not shown", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  {
    std::ofstream out(path);
    out << R"({"log":"one\n","stream":"stdout","time":"2023-11-14T22:13:20Z"})" << "\n"
        << "garbage\n"
        << R"({"log":1,"stream":"stdout","time":"2023-11-14T22:13:20Z"})" << "\n"
        << R"({"stream":"stdout","time":"2023-11-14T22:13:20Z"})" << "\n"
        << "\n"
        << R"({"log":"two\n","stream":"stderr","time":"2023-11-14T22:13:21Z"})" << "\n"
        << R"({"log":"half)";
  }
  CHECK(texts(path) == std::vector<std::string>{"one\n", "two\n"});
  CHECK(texts(path, tail(10)) == std::vector<std::string>{"one\n", "two\n"});
  CHECK(texts(path, tail(1)) == std::vector<std::string>{"two\n"});
}

TEST_CASE("a malformed since or until is an error naming the option and the text", "[logs]") {
  TempDir d;
  LogReadOptions o;
  o.since = "yesterday";
  CHECK_THROWS_WITH(texts(d.path + "/c.log", o), "invalid value for \"since\": \"yesterday\" is not a time");
  o.since = "";
  o.until = "10 minutes";
  CHECK_THROWS_WITH(texts(d.path + "/c.log", o), "invalid value for \"until\": \"10 minutes\" is not a time");
}

TEST_CASE("log time bounds read RFC 3339 with fractions and offsets", "[logs]") {
  CHECK(parse_log_time_bound("2023-11-14T22:13:20Z", 0) == kBase * kSecond);
  CHECK(parse_log_time_bound("2023-11-14T22:13:20.5Z", 0) == kBase * kSecond + 500'000'000);
  CHECK(parse_log_time_bound("2023-11-14T22:13:20.123456789Z", 0) == kBase * kSecond + 123456789);
  CHECK(parse_log_time_bound("2023-11-14T23:13:20.25+01:00", 0) == kBase * kSecond + 250'000'000);
  CHECK(parse_log_time_bound("2023-11-14T19:43:20-02:30", 0) == kBase * kSecond);
  CHECK(parse_log_time_bound("2023-11-14T22:13Z", 0) == (kBase - 20) * kSecond);
  CHECK(parse_log_time_bound("1970-01-01T00:00:00Z", 0) == 0);
}

TEST_CASE("log time bounds read Go durations as that long before now", "[logs]") {
  const int64_t now = kBase * kSecond;
  CHECK(parse_log_time_bound("10m", now) == now - 600 * kSecond);
  CHECK(parse_log_time_bound("1h30m", now) == now - 5400 * kSecond);
  CHECK(parse_log_time_bound("1.5h", now) == now - 5400 * kSecond);
  CHECK(parse_log_time_bound("2h45m30.5s", now) == now - 9930 * kSecond - kSecond / 2);
  CHECK(parse_log_time_bound("250ms", now) == now - 250'000'000);
  CHECK(parse_log_time_bound("3us", now) == now - 3000);
  CHECK(parse_log_time_bound("2\xc2\xb5s", now) == now - 2000);
  CHECK(parse_log_time_bound("7ns", now) == now - 7);
  CHECK(parse_log_time_bound("-1m", now) == now + 60 * kSecond);
}

TEST_CASE("log time bounds read unix seconds with an optional fraction", "[logs]") {
  CHECK(parse_log_time_bound("1700000000", 1) == kBase * kSecond);
  CHECK(parse_log_time_bound("1700000000.5", 1) == kBase * kSecond + 500'000'000);
  CHECK(parse_log_time_bound("0", 1) == 0);  // as docker: unix time 0, not a zero duration
}

TEST_CASE("malformed log time bounds are errors naming the text", "[logs]") {
  for (const char* text : {"", "yesterday", "10x", "1h30", ".h", "1.2.3", "2023-13-01T00:00:00Z",
                           "2023-11-14T24:00:00Z", "2023-11-14T22:13:20+0100", "2023-11-14", "2023-11-14T22:13:20Zjunk"}) {
    INFO(text);
    CHECK_THROWS_WITH(parse_log_time_bound(text, 0), "\"" + std::string(text) + "\" is not a time");
  }
}
