// stack::Error: the one exception type users see. It carries a message meant for
// the user (what failed, on which object, why) and an optional hint (what to do).
// Context is added once on the way up with Error::wrap; the CLI prints it once.
#pragma once

#include <stdexcept>
#include <string>

namespace stack {

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), hint_(std::move(hint)) {}

  const std::string& hint() const { return hint_; }

  // A new error whose message is "<context>: <this message>", hint kept.
  Error wrap(const std::string& context) const { return Error(context + ": " + what(), hint_); }

 private:
  std::string hint_;
};

}  // namespace stack
