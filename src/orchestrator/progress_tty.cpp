// The live display: steps kept in the order they first appear, a thread redrawing the
// frame in place (cursor up over the last frame, each line cleared) while any step is
// still working. The thread starts with the first event, so commands that report
// nothing (ps, logs) never draw or spawn it.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "orchestrator/progress.hpp"
#include "orchestrator/progress_frame.hpp"

namespace stack::orchestrator {
namespace {

using Clock = std::chrono::steady_clock;

size_t terminal_width(std::FILE* out) {
  winsize ws{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

class TtyProgress : public Progress {
 public:
  TtyProgress(std::FILE* out, bool color) : out_(out), color_(color) {}
  ~TtyProgress() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (drawer_.joinable()) drawer_.join();
    // The final frame, only if a step was still working: otherwise the last one drawn is
    // it, and others may have printed below it since (`run -d`'s container ID).
    std::lock_guard lock(mutex_);
    if (held_ == 0 && working()) draw();
  }

  void event(const std::string& kind, const std::string& name, const std::string& status) override {
    std::lock_guard lock(mutex_);
    const std::string id = kind + " " + name;
    if (held_ > 0) {
      fmt::print(out_, "{}\n", progress_line(id, status, color_));
      std::fflush(out_);
      return;
    }
    update(id, status);
    draw();
    if (!drawer_.joinable()) drawer_ = std::thread([this] { redraw_loop(); });
  }

  void warning(const std::string& text) override {
    std::lock_guard lock(mutex_);
    erase();
    fmt::print(stderr, "WARN[0000] {}\n", text);
    std::fflush(stderr);
    if (held_ == 0 && !steps_.empty()) draw();
  }

  // The frame stays on the screen as it is; new events after resume() start a new one.
  void hold() override {
    std::lock_guard lock(mutex_);
    if (held_++ == 0 && !steps_.empty()) {
      draw();
      steps_.clear();
      drawn_ = 0;
    }
  }
  void resume() override {
    std::lock_guard lock(mutex_);
    if (held_ > 0) --held_;
  }

 private:
  void update(const std::string& id, const std::string& status) {
    const Clock::time_point now = Clock::now();
    auto it = std::find_if(steps_.begin(), steps_.end(), [&](const ProgressStep& s) { return s.id == id; });
    if (it == steps_.end()) it = steps_.insert(steps_.end(), ProgressStep{id, status, now, now, false});
    // A step that finished and starts again ("Started" then "Waiting") counts its new work.
    if (it->done && !final_status(status)) it->start = now;
    it->status = status;
    it->done = final_status(status);
    if (it->done) it->end = now;
  }

  void redraw_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(100));
      if (stopping_) break;
      if (held_ == 0 && working()) draw();
    }
  }

  bool working() const {
    return std::any_of(steps_.begin(), steps_.end(), [](const ProgressStep& s) { return !s.done; });
  }

  // Moves back to the top of the last frame and clears everything below.
  void erase() {
    if (drawn_ > 0) fmt::print(out_, "\033[{}A\r\033[J", drawn_);
    drawn_ = 0;
  }

  void draw() {
    const std::vector<std::string> lines = progress_frame(steps_, Clock::now(), terminal_width(out_), tick_++, color_);
    std::string text = drawn_ > 0 ? fmt::format("\033[{}A\r", drawn_) : std::string();
    for (const std::string& l : lines) text += l + "\033[K\n";
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
    drawn_ = lines.size();
  }

  std::FILE* out_;
  bool color_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread drawer_;
  std::vector<ProgressStep> steps_;
  size_t drawn_ = 0;  // lines of the frame on the screen, to move back over
  unsigned tick_ = 0;
  int held_ = 0;
  bool stopping_ = false;
};

}  // namespace

std::unique_ptr<Progress> make_tty_progress(std::FILE* out, bool color) { return std::make_unique<TtyProgress>(out, color); }

}  // namespace stack::orchestrator
