#include "cli/interaction.hpp"

#include <termios.h>

#include <cstdio>
#include <iostream>

#include <fmt/core.h>

#include "base/error.hpp"

namespace stack::cli {

int for_each_target(const std::vector<std::string>& names, const std::function<void(const std::string&)>& action) {
  int failed = 0;
  for (const std::string& name : names) {
    try {
      action(name);
    } catch (const Error& e) {
      fmt::print(stderr, "Error response from daemon: {}\n", e.what());
      if (!e.hint().empty()) fmt::print(stderr, "hint: {}\n", e.hint());
      ++failed;
    }
  }
  return failed ? 1 : 0;
}

bool confirmed(const std::string& question) {
  const std::string answer = prompt(question + " [y/N] ", false);
  return answer == "y" || answer == "Y" || answer == "yes";
}

std::string prompt(const std::string& question, bool secret) {
  fmt::print("{}", question);
  std::fflush(stdout);
  termios saved{};
  const bool hide = secret && ::tcgetattr(0, &saved) == 0;
  if (hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(0, TCSANOW, &quiet);
  }
  std::string answer;
  std::getline(std::cin, answer);
  if (hide) {
    ::tcsetattr(0, TCSANOW, &saved);
    fmt::print("\n");
  }
  return answer;
}

}  // namespace stack::cli
