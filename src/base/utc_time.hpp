// The current time as RFC 3339 in UTC, to the second ("2026-11-23T16:05:09Z"): the
// timestamps of records users read (image created/added).
#pragma once

#include <string>

namespace stack::base {

std::string utc_now_rfc3339();

}  // namespace stack::base
