#include "orchestrator/progress_frame.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace stack::orchestrator {
namespace {

constexpr const char* kSpinner[] = {"\u280b", "\u2819", "\u2839", "\u2838", "\u283c",
                                    "\u2834", "\u2826", "\u2827", "\u2807", "\u280f"};
constexpr const char* kCheck = "\u2714";
constexpr const char* kCross = "\u2718";

bool failed(const std::string& status) { return status == "Error"; }

std::string mark(const std::string& status, bool done, unsigned tick, bool color) {
  if (!done) return kSpinner[tick % std::size(kSpinner)];
  const char* m = failed(status) ? kCross : kCheck;
  if (!color) return m;
  return fmt::format("\033[{}m{}\033[0m", failed(status) ? 31 : 32, m);
}

// Display columns of UTF-8 text without escapes: count the bytes that start a character.
size_t columns(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Cuts plain text (the part after the mark) so the whole line fits.
std::string fit(std::string text, size_t width) {
  size_t cols = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] & 0xC0) == 0x80) continue;
    if (++cols > width) return text.substr(0, i);
  }
  return text;
}

}  // namespace

bool final_status(const std::string& status) {
  if (status == "Running" || status == "Healthy" || status == "Exited" || status == "Error") return true;
  return status.size() > 2 && status.compare(status.size() - 2, 2, "ed") == 0;
}

std::vector<std::string> progress_frame(const std::vector<ProgressStep>& steps, std::chrono::steady_clock::time_point now,
                                        size_t width, unsigned tick, bool color) {
  size_t done = 0, id_width = 0, status_width = 0;
  for (const ProgressStep& s : steps) {
    done += s.done ? 1 : 0;
    id_width = std::max(id_width, columns(s.id));
    status_width = std::max(status_width, columns(s.status));
  }
  std::vector<std::string> lines{fit(fmt::format("[+] Running {}/{}", done, steps.size()), width)};
  for (const ProgressStep& s : steps) {
    const double seconds = std::chrono::duration<double>((s.done ? s.end : now) - s.start).count();
    const std::string text = fmt::format("{}{}  {}{}  {:.1f}s", s.id, std::string(id_width - columns(s.id), ' '), s.status,
                                         std::string(status_width - columns(s.status), ' '), seconds);
    // " X " takes three columns before the text.
    lines.push_back(" " + mark(s.status, s.done, tick, color) + " " + fit(text, width > 3 ? width - 3 : 0));
  }
  return lines;
}

std::string progress_line(const std::string& id, const std::string& status, bool color) {
  return fmt::format(" {} {}  {}", mark(status, final_status(status), 0, color), id, status);
}

}  // namespace stack::orchestrator
