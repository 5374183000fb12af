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

// Plain lines on `out` (compose's output when not on a terminal); on a terminal each
// finished step gets compose's check mark. quiet: no events (warnings still, on stderr).
std::unique_ptr<Progress> make_line_progress(std::FILE* out, bool tty, bool quiet);

}  // namespace stack::orchestrator
