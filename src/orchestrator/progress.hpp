// What the orchestrator reports while it works, as compose prints it: one event per
// object and state ("Container p-web-1  Started"). Called from several threads.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

namespace stack::orchestrator {

class Progress {
 public:
  virtual ~Progress() = default;
  // kind: "Container", "Network", "Volume", "Image"; status: "Creating", "Created", ...
  virtual void event(const std::string& kind, const std::string& name, const std::string& status) = 0;
  // Something the user should know that does not stop the command (orphans, ...).
  virtual void warning(const std::string& text) = 0;
  // Others are about to write to the terminal (build output, an attached container's
  // logs, a question): a live display stops redrawing and prints events as lines until
  // as many resume() calls. Nothing to do for line displays.
  virtual void hold() {}
  virtual void resume() {}
};

// hold() for a scope.
class ProgressHold {
 public:
  explicit ProgressHold(Progress& p) : p_(p) { p_.hold(); }
  ~ProgressHold() { p_.resume(); }
  ProgressHold(const ProgressHold&) = delete;
  ProgressHold& operator=(const ProgressHold&) = delete;

 private:
  Progress& p_;
};

// --progress: plain lines on `out` (compose's output when not on a terminal); tty: the
// live display below; json: one object per event ({"id":"Container p-web-1","status":
// "Started"}); quiet: no events. Warnings go to stderr in every mode.
enum class ProgressMode { Plain, Tty, Json, Quiet };
std::unique_ptr<Progress> make_progress(std::FILE* out, ProgressMode mode);

// What compose draws on a terminal: a header and one line per object, redrawn in place
// ten times a second until the display ends (progress_tty.cpp). `color`: green checks.
std::unique_ptr<Progress> make_tty_progress(std::FILE* out, bool color);

}  // namespace stack::orchestrator
