#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "orchestrator/progress.hpp"
#include "orchestrator/progress_frame.hpp"

using namespace stack::orchestrator;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

ProgressStep step(const std::string& id, const std::string& status, Clock::time_point start, int ms, bool done) {
  return {id, status, start, start + milliseconds(ms), done};
}

std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  return text;
}

}  // namespace

TEST_CASE("final statuses are the ones a step ends with", "[progress]") {
  for (const char* s : {"Created", "Started", "Running", "Healthy", "Exited", "Error", "Removed", "Pulled", "Skipped"})
    CHECK(final_status(s));
  for (const char* s : {"Creating", "Starting", "Waiting", "Recreate", "Pulling", "Stopping"}) CHECK_FALSE(final_status(s));
}

TEST_CASE("a frame has compose's header and aligned lines with each step's time", "[progress]") {
  const Clock::time_point t0 = Clock::now();
  const std::vector<ProgressStep> steps = {step("Network p_default", "Created", t0, 100, true),
                                           step("Container p-web-1", "Starting", t0, 0, false)};
  const std::vector<std::string> lines = progress_frame(steps, t0 + milliseconds(400), 80, 0, false);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "[+] Running 1/2");
  CHECK(lines[1] == " \u2714 Network p_default  Created   0.1s");
  CHECK(lines[2] == " \u280b Container p-web-1  Starting  0.4s");
}

TEST_CASE("a frame's lines never wrap on a narrow terminal", "[progress]") {
  const Clock::time_point t0 = Clock::now();
  const std::vector<std::string> lines =
      progress_frame({step("Container a-very-long-project-name-web-1", "Started", t0, 0, true)}, t0, 20, 0, false);
  CHECK(lines[1] == " \u2714 Container a-very-");  // 3 + 17 columns
}

TEST_CASE("color marks a finished step green and a failed one red", "[progress]") {
  const Clock::time_point t0 = Clock::now();
  const std::vector<std::string> lines =
      progress_frame({step("Image x", "Pulled", t0, 0, true), step("Image y", "Error", t0, 0, true)}, t0, 80, 0, true);
  CHECK(lines[1].rfind(" \033[32m\u2714\033[0m Image x", 0) == 0);
  CHECK(lines[2].rfind(" \033[31m\u2718\033[0m Image y", 0) == 0);
}

TEST_CASE("the live display redraws in place and prints events as lines while held", "[progress]") {
  std::FILE* out = std::tmpfile();
  {
    const std::unique_ptr<Progress> p = make_tty_progress(out, false);
    p->event("Container", "p-web-1", "Starting");
    p->event("Container", "p-web-1", "Started");
    {
      const ProgressHold hold(*p);
      p->event("Container", "p-db-1", "Stopped");
    }
  }
  const std::string text = read_all(out);
  std::fclose(out);
  CHECK(text.find("[+] Running 0/1") != std::string::npos);
  CHECK(text.find("\033[2A\r[+] Running 1/1") != std::string::npos);  // the second frame over the first
  CHECK(text.find("\n \u2714 Container p-db-1  Stopped\n") != std::string::npos);
  CHECK(text.find("Running 1/2") == std::string::npos);  // the held event never joined the frame
}
