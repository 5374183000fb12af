// Small string helpers shared by compose and the engine (each had its own copies).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stack::base {

// Every field between occurrences of `sep`, empty ones kept, like Go's strings.Split
// with a one-character separator: "a::b" -> {"a", "", "b"}, "" -> {""}.
std::vector<std::string> split(std::string_view text, char sep);

// ASCII lowercase (std::tolower in the C locale, which stack never changes).
std::string to_lower(std::string_view text);

}  // namespace stack::base
