#include "orchestrator/progress.hpp"

#include <mutex>

#include <fmt/core.h>

namespace stack::orchestrator {
namespace {

bool finished(const std::string& status) {
  return status.size() > 2 && status.compare(status.size() - 2, 2, "ed") == 0 && status != "Waiting";
}

class LineProgress : public Progress {
 public:
  LineProgress(std::FILE* out, bool tty, bool quiet) : out_(out), tty_(tty), quiet_(quiet) {}
  void event(const std::string& kind, const std::string& name, const std::string& status) override {
    if (quiet_) return;
    std::lock_guard lock(mutex_);
    if (tty_) {
      fmt::print(out_, " {} {} {}  {}\n", finished(status) ? "\u2714" : "\u283f", kind, name, status);
    } else {
      fmt::print(out_, " {} {}  {}\n", kind, name, status);
    }
    std::fflush(out_);
  }
  void warning(const std::string& text) override {
    std::lock_guard lock(mutex_);
    fmt::print(stderr, "WARN[0000] {}\n", text);
  }

 private:
  std::mutex mutex_;
  std::FILE* out_;
  bool tty_;
  bool quiet_;
};

}  // namespace

std::unique_ptr<Progress> make_line_progress(std::FILE* out, bool tty, bool quiet) {
  return std::make_unique<LineProgress>(out, tty, quiet);
}

}  // namespace stack::orchestrator
