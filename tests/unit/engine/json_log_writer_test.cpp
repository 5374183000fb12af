#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/shim/json_log_writer.hpp"

using stack::engine::shim::JsonLogWriter;
using stack::engine::shim::format_log_time;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "stack-log-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const timespec kT{1700000000, 123456789};  // 2023-11-14T22:13:20.123456789Z

}  // namespace

TEST_CASE("log times are RFC 3339 with nanoseconds in UTC", "[logs]") {
  CHECK(format_log_time(kT) == "2023-11-14T22:13:20.123456789Z");
  CHECK(format_log_time({0, 5}) == "1970-01-01T00:00:00.000000005Z");
}

TEST_CASE("each complete line becomes one json-file entry with its stream", "[logs]") {
  TempDir d;
  JsonLogWriter w(d.path + "/c-json.log");
  w.write("stdout", "hello\nwor", kT);
  w.write("stderr", "oops\n", kT);
  w.write("stdout", "ld\n", kT);
  CHECK(slurp(d.path + "/c-json.log") ==
        "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20.123456789Z\"}\n"
        "{\"log\":\"oops\\n\",\"stream\":\"stderr\",\"time\":\"2023-11-14T22:13:20.123456789Z\"}\n"
        "{\"log\":\"world\\n\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20.123456789Z\"}\n");
}

TEST_CASE("a partial line is written by flush without a newline", "[logs]") {
  TempDir d;
  JsonLogWriter w(d.path + "/c.log");
  w.write("stdout", "no newline", kT);
  CHECK(slurp(d.path + "/c.log").empty());
  w.flush(kT);
  CHECK_THAT(slurp(d.path + "/c.log"), Catch::StartsWith("{\"log\":\"no newline\",\"stream\":\"stdout\""));
}

TEST_CASE("log text is JSON-escaped, invalid UTF-8 replaced", "[logs]") {
  TempDir d;
  JsonLogWriter w(d.path + "/c.log");
  w.write("stdout", std::string("q\"b\\t\tc\x01<\xff\xc3\xa9\n"), kT);
  CHECK_THAT(slurp(d.path + "/c.log"),
             Catch::StartsWith("{\"log\":\"q\\\"b\\\\t\\tc\\u0001\\u003c\\ufffd\xc3\xa9\\n\""));
}

TEST_CASE("lines longer than 16 KiB are split as Docker splits them", "[logs]") {
  TempDir d;
  JsonLogWriter w(d.path + "/c.log");
  w.write("stdout", std::string(40 * 1024, 'x'), kT);
  std::string text = slurp(d.path + "/c.log");
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);  // two full 16 KiB entries, 8 KiB pending
  w.flush(kT);
  text = slurp(d.path + "/c.log");
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
}

TEST_CASE("logs rotate at max-size and keep max-file files", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  JsonLogWriter w(path, 300, 3);
  for (int i = 0; i < 20; ++i) w.write("stdout", "line " + std::to_string(i) + "\n", kT);
  CHECK(std::filesystem::exists(path));
  CHECK(std::filesystem::exists(path + ".1"));
  CHECK(std::filesystem::exists(path + ".2"));
  CHECK_FALSE(std::filesystem::exists(path + ".3"));
  for (const auto& f : {path, path + ".1", path + ".2"}) CHECK(std::filesystem::file_size(f) <= 300);
  CHECK_THAT(slurp(path), Catch::Contains("line 19"));
  CHECK_THAT(slurp(path + ".1"), !Catch::Contains("line 19"));
}

TEST_CASE("with max-file 1 the log is truncated in place", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  JsonLogWriter w(path, 200, 1);
  for (int i = 0; i < 10; ++i) w.write("stdout", "line " + std::to_string(i) + "\n", kT);
  CHECK(std::filesystem::file_size(path) <= 200);
  CHECK_FALSE(std::filesystem::exists(path + ".1"));
  CHECK_THAT(slurp(path), Catch::Contains("line 9"));
}

TEST_CASE("a writer appends to an existing log and counts its size", "[logs]") {
  TempDir d;
  const std::string path = d.path + "/c.log";
  { JsonLogWriter(path).write("stdout", "first\n", kT); }
  JsonLogWriter w(path, 150, 2);
  w.write("stdout", "second\n", kT);
  CHECK(std::filesystem::exists(path + ".1"));
  CHECK_THAT(slurp(path + ".1"), Catch::Contains("first"));
  CHECK_THAT(slurp(path), Catch::Contains("second"));
}
