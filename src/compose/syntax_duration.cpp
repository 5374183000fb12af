// Go durations live in base (docker run's flags and the engine read them too).
#include "base/duration.hpp"
#include "compose/syntax.hpp"

namespace stack::compose {

Nanoseconds parse_duration(std::string_view text) { return base::parse_duration(text); }
std::string format_duration(Nanoseconds ns) { return base::format_duration(ns); }

}  // namespace stack::compose
