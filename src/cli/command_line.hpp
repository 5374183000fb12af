// The words of this invocation, for commands that register expensive parts of their
// command tree only when they are named (see container_run_cmd.cpp).
#pragma once

#include <string>
#include <vector>

namespace stack::cli {

void set_command_line(int argc, char** argv);
// Whether `word` is one of the arguments (after the program name).
bool command_line_mentions(const std::string& word);

}  // namespace stack::cli
