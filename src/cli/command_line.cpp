#include "cli/command_line.hpp"

#include <algorithm>

namespace stack::cli {
namespace {
std::vector<std::string>& words() {
  static std::vector<std::string> w;
  return w;
}
}  // namespace

void set_command_line(int argc, char** argv) { words().assign(argv + std::min(argc, 1), argv + argc); }

bool command_line_mentions(const std::string& word) {
  return std::find(words().begin(), words().end(), word) != words().end();
}

}  // namespace stack::cli
