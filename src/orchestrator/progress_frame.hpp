// One frame of the live progress display compose draws on a terminal:
//   [+] Running 2/3
//    ✔ Network p_default  Created   0.1s
//    ⠹ Container p-web-1  Starting  0.4s
// Pure text from the steps' states, so the drawing (progress_tty.cpp) stays dumb.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace stack::orchestrator {

struct ProgressStep {
  std::string id;      // "Container p-web-1"
  std::string status;  // "Started"
  std::chrono::steady_clock::time_point start, end;
  bool done = false;
};

// Whether a status is where a step ends ("Started", "Running", "Healthy", "Error", ...).
bool final_status(const std::string& status);

// The frame's lines (no newlines), each cut to `width` columns so none wraps: a wrapped
// line would make the redraw move the cursor up too few lines. `tick` turns the spinner;
// `color` adds compose's green check and red cross.
std::vector<std::string> progress_frame(const std::vector<ProgressStep>& steps, std::chrono::steady_clock::time_point now,
                                        size_t width, unsigned tick, bool color);

// " ✔ Container p-web-1  Started": a step as one plain line, for when the frame is held.
std::string progress_line(const std::string& id, const std::string& status, bool color);

}  // namespace stack::orchestrator
