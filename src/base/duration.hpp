// Durations exactly as Go's time.ParseDuration and time.Duration.String. Shared by compose
// (its schema checks durations with ParseDuration; `config` prints String()), docker run's
// duration flags and the engine's log time bounds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stack::base {

// "1h30m", "10s", "1.5s", "100ms", "2us"/"2µs", "-1m", "+5s", "0"; returns nanoseconds.
// A plain number other than 0 is an error. Errors (Go's wording): "invalid duration \"<text>\"",
// "missing unit in duration \"<text>\"", "unknown unit \"<unit>\" in duration \"<text>\"".
int64_t parse_duration(std::string_view text);
// "1h30m0s", "1m30s", "10s", "1.5s", "100ms", "2µs", "0s".
std::string format_duration(int64_t ns);

}  // namespace stack::base
