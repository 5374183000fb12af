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
};

// --progress: plain lines on `out` (compose's output when not on a terminal); tty: each
// finished step gets compose's check mark; json: one object per event
// ({"id":"Container p-web-1","status":"Started"}); quiet: no events. Warnings go to
// stderr in every mode.
enum class ProgressMode { Plain, Tty, Json, Quiet };
std::unique_ptr<Progress> make_line_progress(std::FILE* out, ProgressMode mode);

}  // namespace stack::orchestrator
