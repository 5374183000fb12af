// go-units' parseSize: a decimal number, an optional space, then b, k, m, g, t or p with
// an optional "b" or "ib", case-insensitive; RAMInBytes and FromHumanSize differ only in
// the multiples.
#include "base/byte_size.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <string>

#include "base/error.hpp"
#include "base/strings.hpp"

namespace stack::base {
namespace {

[[noreturn]] void invalid_size(std::string_view text) { throw Error(fmt::format("invalid size: '{}'", text)); }

// Go's strconv.ParseFloat for the decimal forms go-units can hand it ("1", "1.5", ".5", "1e3").
double parse_number(std::string_view num, std::string_view text) {
  if (num.size() > 1 && num[0] == '+' && num[1] != '-' && num[1] != '+') num.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
  if (num.empty() || ec != std::errc() || ptr != num.data() + num.size() || !std::isfinite(value))
    invalid_size(text);
  return value;
}

int64_t prefix_multiplier(char prefix, SizeUnits units) {
  const int64_t k = units == SizeUnits::Binary ? 1024 : 1000;
  switch (prefix) {
    case 'k': return k;
    case 'm': return k * k;
    case 'g': return k * k * k;
    case 't': return k * k * k * k;
    case 'p': return k * k * k * k * k;
    default: return 0;
  }
}

// Suffix after the number, already known non-empty: "b", "k", "kb", "kib" (any case).
int64_t suffix_multiplier(std::string_view raw, SizeUnits units) {
  auto bad = [](std::string_view shown) -> int64_t { throw Error(fmt::format("invalid suffix: '{}'", shown)); };
  if (raw.size() > 3) return bad(raw);
  const std::string sfx = to_lower(raw);
  if (sfx[0] == 'b') return sfx.size() == 1 ? 1 : bad(sfx);
  int64_t multiplier = prefix_multiplier(sfx[0], units);
  if (multiplier == 0) return bad(sfx);
  if ((sfx.size() == 2 && sfx[1] != 'b') || (sfx.size() == 3 && sfx.substr(1) != "ib")) return bad(sfx);
  return multiplier;
}

}  // namespace

int64_t parse_byte_size(std::string_view text, SizeUnits units) {
  // The number ends at the last digit, dot or space; a space separator is dropped.
  size_t sep = text.find_last_of("0123456789. ");
  if (sep == std::string_view::npos) invalid_size(text);
  std::string_view num = text.substr(0, text[sep] == ' ' ? sep : sep + 1);
  std::string_view suffix = text.substr(sep + 1);
  double size = parse_number(num, text);
  if (size < 0) invalid_size(text);  // go-units rejects negative sizes
  if (!suffix.empty()) size *= static_cast<double>(suffix_multiplier(suffix, units));
  if (size >= 9223372036854775808.0) invalid_size(text);  // would not fit int64
  return static_cast<int64_t>(size);  // truncates like Go's int64(float64)
}

}  // namespace stack::base
