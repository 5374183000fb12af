// Variables for interpolation and dotenv expansion.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace stack::compose {

using Environment = std::map<std::string, std::string>;

// Looks a variable up; nullopt when it is not set at all (set-but-empty is "").
using Lookup = std::function<std::optional<std::string>(const std::string&)>;

inline Lookup lookup_in(const Environment& env) {
  return [&env](const std::string& key) -> std::optional<std::string> {
    auto it = env.find(key);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

// Warnings collected by the passes; the CLI prints each once (compose prints these as WARN).
using Warnings = std::vector<std::string>;

}  // namespace stack::compose
