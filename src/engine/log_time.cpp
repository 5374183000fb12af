// The time forms of `docker logs --since/--until` (Docker's api/types/time GetTimestamp):
// a Go duration before now, an RFC 3339 time, or unix seconds.
#include <chrono>
#include <ctime>

#include "base/error.hpp"
#include "engine/log_files.hpp"
#include "engine/log_reader.hpp"

namespace stack::engine {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exactly `n` digits at text[i], advancing i.
std::optional<int> fixed_digits(std::string_view text, size_t& i, size_t n) {
  if (i + n > text.size()) return std::nullopt;
  int value = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!is_digit(text[i + k])) return std::nullopt;
    value = value * 10 + (text[i + k] - '0');
  }
  i += n;
  return value;
}

bool accept(std::string_view text, size_t& i, char c) {
  if (i >= text.size() || text[i] != c) return false;
  ++i;
  return true;
}

// The digits of a fraction at text[i] as nanoseconds; digits past the ninth are dropped
// (as Go does). nullopt when there is no digit.
std::optional<int64_t> fraction_ns(std::string_view text, size_t& i) {
  const size_t start = i;
  int64_t ns = 0;
  for (int64_t scale = kSecond / 10; i < text.size() && is_digit(text[i]); ++i, scale /= 10) ns += (text[i] - '0') * scale;
  if (i == start) return std::nullopt;
  return ns;
}

// The local UTC offset now, for times written without a zone (Docker uses the client's zone).
int64_t local_offset_seconds() {
  const time_t now = time(nullptr);
  tm local{};
  localtime_r(&now, &local);
  return local.tm_gmtoff;
}

// Go's time.ParseDuration: [+-] then one or more <number><unit>, e.g. "1h30m", "1.5h".
std::optional<int64_t> parse_go_duration_ns(std::string_view text) {
  static const std::pair<std::string_view, int64_t> kUnits[] = {
      {"ns", 1},           {"us", 1000},          {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000},
      {"ms", 1'000'000},   {"s", kSecond},        {"m", 60 * kSecond}, {"h", 3600 * kSecond}};
  size_t i = 0;
  const bool negative = accept(text, i, '-');
  if (!negative) accept(text, i, '+');
  if (i == text.size()) return std::nullopt;
  long double total = 0;
  while (i < text.size()) {
    const size_t number_start = i;
    int64_t whole = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      if (whole > std::numeric_limits<int64_t>::max() / 10) return std::nullopt;
      whole = whole * 10 + (text[i] - '0');
    }
    int64_t fraction = 0;  // in nanoseconds of the unit
    if (accept(text, i, '.')) fraction = fraction_ns(text, i).value_or(0);
    if (i == number_start || text.substr(number_start, i - number_start) == ".") return std::nullopt;
    const size_t unit_start = i;
    while (i < text.size() && !is_digit(text[i]) && text[i] != '.') ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t scale = 0;
    for (const auto& [name, ns] : kUnits)
      if (unit == name) scale = ns;
    if (scale == 0) return std::nullopt;
    total += static_cast<long double>(whole) * scale + static_cast<long double>(fraction) * scale / kSecond;
  }
  if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  const auto ns = static_cast<int64_t>(total);
  return negative ? -ns : ns;
}

// Unix seconds with an optional fraction: "1700000000", "1700000000.5".
std::optional<int64_t> parse_unix_ns(std::string_view text) {
  size_t i = 0;
  int64_t seconds = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (seconds > std::numeric_limits<int64_t>::max() / kSecond / 10) return std::nullopt;
    seconds = seconds * 10 + (text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  int64_t fraction = 0;
  if (accept(text, i, '.')) {
    auto f = fraction_ns(text, i);
    if (!f) return std::nullopt;
    fraction = *f;
  }
  if (i != text.size()) return std::nullopt;
  return seconds * kSecond + fraction;
}

}  // namespace

namespace logs {

std::optional<int64_t> parse_rfc3339_ns(std::string_view text) {
  size_t i = 0;
  const auto year = fixed_digits(text, i, 4);
  if (!year || !accept(text, i, '-')) return std::nullopt;
  const auto month = fixed_digits(text, i, 2);
  if (!month || !accept(text, i, '-')) return std::nullopt;
  const auto day = fixed_digits(text, i, 2);
  if (!day || !accept(text, i, 'T')) return std::nullopt;
  const auto hour = fixed_digits(text, i, 2);
  if (!hour || !accept(text, i, ':')) return std::nullopt;
  const auto minute = fixed_digits(text, i, 2);
  if (!minute) return std::nullopt;
  std::optional<int> second = 0;  // Docker also takes "2006-01-02T15:04"
  if (accept(text, i, ':') && !(second = fixed_digits(text, i, 2))) return std::nullopt;
  int64_t fraction = 0;
  if (accept(text, i, '.')) {
    auto f = fraction_ns(text, i);
    if (!f) return std::nullopt;
    fraction = *f;
  }
  int64_t offset = 0;
  if (accept(text, i, 'Z')) {
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    const int sign = text[i++] == '-' ? -1 : 1;
    const auto off_hour = fixed_digits(text, i, 2);
    if (!off_hour || !accept(text, i, ':')) return std::nullopt;
    const auto off_minute = fixed_digits(text, i, 2);
    if (!off_minute || *off_hour > 23 || *off_minute > 59) return std::nullopt;
    offset = sign * (*off_hour * 3600 + *off_minute * 60);
  } else {
    offset = local_offset_seconds();
  }
  if (i != text.size()) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{*year}, std::chrono::month(*month), std::chrono::day(*day)};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  const int64_t days = sys_days(date).time_since_epoch().count();
  const int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second - offset;
  return seconds * kSecond + fraction;
}

}  // namespace logs

int64_t parse_log_time_bound(const std::string& text, int64_t now_unix_ns) {
  // Docker reads "0" as unix time 0, not as a zero duration.
  if (text != "0")
    if (auto duration = parse_go_duration_ns(text)) return now_unix_ns - *duration;
  if (auto t = logs::parse_rfc3339_ns(text)) return *t;
  if (auto t = parse_unix_ns(text)) return *t;
  throw Error("\"" + text + "\" is not a time",
              "use an RFC 3339 time (2006-01-02T15:04:05Z), a duration before now (10m, 1h30m) or unix seconds");
}

}  // namespace stack::engine
