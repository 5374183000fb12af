#include "orchestrator/progress.hpp"

#include <mutex>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace stack::orchestrator {
namespace {

class LineProgress : public Progress {
 public:
  LineProgress(std::FILE* out, ProgressMode mode) : out_(out), mode_(mode) {}
  void event(const std::string& kind, const std::string& name, const std::string& status) override {
    if (mode_ == ProgressMode::Quiet) return;
    std::lock_guard lock(mutex_);
    if (mode_ == ProgressMode::Json) {
      fmt::print(out_, "{}\n", nlohmann::json{{"id", kind + " " + name}, {"status", status}}.dump());
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
  ProgressMode mode_;
};

}  // namespace

std::unique_ptr<Progress> make_progress(std::FILE* out, ProgressMode mode) {
  if (mode == ProgressMode::Tty) return make_tty_progress(out, true);
  return std::make_unique<LineProgress>(out, mode);
}

}  // namespace stack::orchestrator
