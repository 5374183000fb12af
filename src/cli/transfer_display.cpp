#include "cli/transfer_display.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "cli/container_format.hpp"

namespace stack::cli {

std::string TransferDisplay::render(const std::string& status, uint64_t done, uint64_t total) const {
  if (total == 0 || (status != "Downloading" && status != "Pushing")) {
    return done == 0 ? status : status + " " + human_size(static_cast<double>(done));
  }
  constexpr int kWidth = 50;
  const int filled = static_cast<int>(std::min<uint64_t>(done, total) * kWidth / total);
  std::string bar(kWidth, ' ');
  std::fill(bar.begin(), bar.begin() + filled, '=');
  if (filled < kWidth) bar[filled] = '>';
  return fmt::format("{} [{}] {:>7}/{}", status, bar, human_size(static_cast<double>(done)),
                     human_size(static_cast<double>(total)));
}

// Moves the cursor up to the layer's line, rewrites it, and back down.
void TransferDisplay::redraw_line(size_t index) {
  const size_t up = lines_.size() - index;
  fmt::print(out_, "\x1b[{}A\r\x1b[2K{}: {}\x1b[{}B\r", up, lines_[index].id, lines_[index].text, up);
}

void TransferDisplay::layer(const std::string& id, const std::string& status, uint64_t done, uint64_t total) {
  if (quiet_) return;
  std::lock_guard<std::mutex> g(lock_);
  auto it = std::find_if(lines_.begin(), lines_.end(), [&](const Line& l) { return l.id == id; });
  const bool is_new = it == lines_.end();
  if (is_new) {
    lines_.push_back({id, "", ""});
    it = lines_.end() - 1;
  }
  const bool changed = it->status != status;
  it->status = status;
  it->text = render(status, done, total);
  if (!terminal_) {  // piped: state changes only, never byte counts
    if (changed) fmt::print(out_, "{}: {}\n", id, status);
  } else if (is_new) {
    fmt::print(out_, "{}: {}\n", id, it->text);
  } else {
    redraw_line(static_cast<size_t>(it - lines_.begin()));
  }
  std::fflush(out_);
}

void TransferDisplay::message(const std::string& text) {
  if (quiet_) return;
  std::lock_guard<std::mutex> g(lock_);
  fmt::print(out_, "{}\n", text);
  lines_.clear();  // lines above a message are no longer redrawn
  std::fflush(out_);
}

}  // namespace stack::cli
