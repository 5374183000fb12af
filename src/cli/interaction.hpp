// How commands talk with the user beyond their output: acting on several named targets
// as docker does, and asking questions on the terminal.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace stack::cli {

// Runs `action` for every name, in order. A failure is printed as docker prints it
// ("Error response from daemon: ...", then its hint) and the next name is tried.
// Returns the exit code: 0 when every action succeeded, 1 otherwise.
int for_each_target(const std::vector<std::string>& names, const std::function<void(const std::string&)>& action);

// Prints `question` with " [y/N] " and reads a line: true for y, Y or yes.
bool confirmed(const std::string& question);

// Prints `question` and reads a line; with `secret`, the terminal does not echo it.
std::string prompt(const std::string& question, bool secret);

}  // namespace stack::cli
