#include "cli/event_format.hpp"

#include <ctime>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace stack::cli {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

struct LocalTime {
  std::tm tm{};
  int64_t nanos = 0;
};

LocalTime local(int64_t ns) {
  LocalTime t;
  // Floor division: a time before 1970 still has a fraction in [0, 1 s).
  time_t seconds = static_cast<time_t>(ns / kSecond);
  t.nanos = ns % kSecond;
  if (t.nanos < 0) {
    t.nanos += kSecond;
    --seconds;
  }
  localtime_r(&seconds, &t.tm);
  return t;
}

std::string date_time(const std::tm& tm, char separator) {
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, separator,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Go's "Z07:00": Z at offset zero, else +hh:mm / -hh:mm.
std::string zone(const std::tm& tm) {
  const long offset = tm.tm_gmtoff;
  if (offset == 0) return "Z";
  const long minutes = (offset < 0 ? -offset : offset) / 60;
  return fmt::format("{}{:02}:{:02}", offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
}

}  // namespace

std::string local_time_micro(int64_t ns) {
  const LocalTime t = local(ns);
  return fmt::format("{}.{:06}", date_time(t.tm, ' '), t.nanos / 1000);
}

std::string local_time_rfc3339_nano(int64_t ns) {
  const LocalTime t = local(ns);
  std::string fraction;
  if (t.nanos != 0) {
    fraction = fmt::format(".{:09}", t.nanos);
    while (fraction.back() == '0') fraction.pop_back();
  }
  return date_time(t.tm, 'T') + fraction + zone(t.tm);
}

std::string event_text(const orchestrator::ProjectEvent& e) {
  std::string attributes;
  for (const auto& [key, value] : e.attributes) attributes += (attributes.empty() ? "" : ", ") + key + "=" + value;
  return fmt::format("{} container {} {} ({})", local_time_micro(e.time_ns), e.action, e.id, attributes);
}

namespace {

// Go's json.Marshal, which compose prints events with, escapes <, > and & (and the line
// and paragraph separators) inside strings; outside strings a JSON text has none of them,
// so the dumped text can be rewritten as a whole.
std::string go_escaped(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xe2' && i + 2 < json.size() && json[i + 1] == '\x80' && (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
      out += json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string event_json(const orchestrator::ProjectEvent& e) {
  const nlohmann::json j = {{"time", local_time_rfc3339_nano(e.time_ns)},
                            {"type", "container"},
                            {"action", e.action},
                            {"id", e.id},
                            {"service", e.service},
                            {"attributes", e.attributes}};
  return go_escaped(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace stack::cli
