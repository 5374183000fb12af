#include "base/duration.hpp"

#include <fmt/format.h>
#include <limits>
#include <string>

#include "base/error.hpp"

namespace stack::base {
namespace {

constexpr uint64_t kMicrosecond = 1000;
constexpr uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr uint64_t kSecond = 1000 * kMillisecond;
constexpr uint64_t kMinute = 60 * kSecond;
constexpr uint64_t kHour = 60 * kMinute;
constexpr uint64_t kLimit = uint64_t{1} << 63;  // |math.MinInt64|

uint64_t unit_scale(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return kMicrosecond;  // micro sign, Greek mu
  if (unit == "ms") return kMillisecond;
  if (unit == "s") return kSecond;
  if (unit == "m") return kMinute;
  if (unit == "h") return kHour;
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void invalid(std::string_view text) { throw Error(fmt::format("invalid duration \"{}\"", text)); }

// One "<int>[.<frac>]<unit>" element; returns its nanoseconds (at most 2^63) and advances s.
uint64_t parse_element(std::string_view& s, std::string_view text) {
  if (!(s[0] == '.' || is_digit(s[0]))) invalid(text);
  uint64_t whole = 0;
  size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (whole > kLimit / 10) invalid(text);
    whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
    if (whole > kLimit) invalid(text);
  }
  bool digits_before = i > 0;
  uint64_t fraction = 0;
  double scale = 1;
  bool digits_after = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    // Like Go, stop accumulating precision (but keep consuming) once the fraction overflows.
    bool overflow = false;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      digits_after = true;
      uint64_t next = fraction * 10 + static_cast<uint64_t>(s[i] - '0');
      if (overflow || fraction > (kLimit - 1) / 10 || next > kLimit) {
        overflow = true;
        continue;
      }
      fraction = next;
      scale *= 10;
    }
  }
  if (!digits_before && !digits_after) invalid(text);
  size_t unit_start = i;
  while (i < s.size() && s[i] != '.' && !is_digit(s[i])) ++i;
  std::string_view unit = s.substr(unit_start, i - unit_start);
  if (unit.empty()) throw Error(fmt::format("missing unit in duration \"{}\"", text));
  uint64_t per_unit = unit_scale(unit);
  if (per_unit == 0) throw Error(fmt::format("unknown unit \"{}\" in duration \"{}\"", unit, text));
  s.remove_prefix(i);
  if (whole > kLimit / per_unit) invalid(text);
  uint64_t value = whole * per_unit;
  if (fraction > 0) {
    // A double keeps nanosecond accuracy for fractions of the largest unit (hours).
    value += static_cast<uint64_t>(static_cast<double>(fraction) * (static_cast<double>(per_unit) / scale));
    if (value > kLimit) invalid(text);
  }
  return value;
}

// Go's fmtFrac: ".123" for v % 10^precision without trailing zeros; returns v / 10^precision.
uint64_t append_fraction(std::string& out, uint64_t v, int precision) {
  std::string digits;
  bool printing = false;
  for (int i = 0; i < precision; ++i) {
    char digit = static_cast<char>('0' + v % 10);
    printing = printing || digit != '0';
    if (printing) digits.insert(digits.begin(), digit);
    v /= 10;
  }
  if (printing) out = "." + digits + out;
  return v;
}

}  // namespace

int64_t parse_duration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) invalid(text);
  uint64_t total = 0;
  while (!s.empty()) {
    total += parse_element(s, text);
    if (total > kLimit) invalid(text);
  }
  if (negative) return static_cast<int64_t>(0 - total);  // -2^63 is representable
  if (total > kLimit - 1) invalid(text);
  return static_cast<int64_t>(total);
}

std::string format_duration(int64_t ns) {
  bool negative = ns < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string out;
  if (u < kSecond) {
    // Below one second Go switches to the largest unit that keeps an integer part: 1.5ms.
    if (u == 0) return "0s";
    int precision = 0;
    std::string unit = "ns";
    if (u >= kMillisecond) {
      precision = 6;
      unit = "ms";
    } else if (u >= kMicrosecond) {
      precision = 3;
      unit = "\u00b5s";
    }
    out = unit;
    u = append_fraction(out, u, precision);
    out = std::to_string(u) + out;
  } else {
    out = "s";
    u = append_fraction(out, u, 9);  // u is now whole seconds
    out = std::to_string(u % 60) + out;
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace stack::base
